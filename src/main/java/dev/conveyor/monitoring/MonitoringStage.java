package dev.conveyor.monitoring;

import dev.conveyor.compute.ComputeBackend;
import dev.conveyor.config.ConveyorConfig;
import dev.conveyor.control.CancelRegistry;
import dev.conveyor.engine.JobDrivers;
import dev.conveyor.engine.RunStore;
import dev.conveyor.messaging.Channels;
import dev.conveyor.messaging.EventPublisher;
import dev.conveyor.messaging.RecordSource;
import dev.conveyor.messaging.StageHandler;
import dev.conveyor.model.Json;
import dev.conveyor.model.events.JobCompleted;
import dev.conveyor.model.events.JobDispatched;
import dev.conveyor.model.events.JobStatusEvent;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Collectors;

/**
 * dispatched → completed. A dispatched record is held, unacknowledged, for as long as its job runs;
 * it is acknowledged only after the completion is on the broker. If this process dies, the record's
 * offset was never committed, so the next owner of the partition gets it again and resumes the job
 * from the engine's saved run state. Each backend is polled on its own cycle, adaptively: at the
 * floor interval while things change, backing off to the ceiling while nothing does, and at once
 * when a job arrives, a cancel comes in or the backend signals a change.
 */
@ApplicationScoped
public class MonitoringStage {
    private static final Logger LOG = Logger.getLogger(MonitoringStage.class);
    private static final String STAGE = "monitoring";

    @Inject
    MonitoringService monitoring;
    @Inject
    EventPublisher publish;
    @Inject
    ConveyorConfig config;
    @Inject
    CancelRegistry cancels;
    @Inject
    JobDrivers drivers;
    /** The stages' policy: a store away for a moment is waited for, as in dispatch, not the running job failed. */
    @Inject
    @jakarta.inject.Named("stages")
    dev.conveyor.retry.CallPolicy policy;

    private final ScheduledExecutorService cycles = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "conveyor-monitoring");
        t.setDaemon(true);
        return t;
    });
    private java.util.concurrent.ExecutorService turns;
    /**
     * Where completions are handed to the producer: a send blocks its caller while the producer has no
     * metadata for the topic (up to {@code max.block.ms}, a minute by default: a topic deleted or not yet
     * made) — on the cycle's thread that stood every job of the backend still for that long.
     */
    private final java.util.concurrent.ExecutorService sends = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "conveyor-monitoring-send");
        t.setDaemon(true);
        return t;
    });

    @jakarta.annotation.PostConstruct
    void start() {
        turns = Executors.newFixedThreadPool(config.concurrency().monitoringTurns(), r -> {
            Thread t = new Thread(r, "conveyor-monitoring-turn");
            t.setDaemon(true);
            return t;
        });
        held = dev.conveyor.messaging.HeldRecords.of(STAGE, policy.settings().maxDelay());
    }
    private final Map<String, BackendPoller> pollers = new ConcurrentHashMap<>();
    /** Jobs waiting to be taken in until the store comes back: tried again after the policy's longest pause. */
    private dev.conveyor.messaging.HeldRecords held;

    @Inject
    @jakarta.inject.Named("stage-records")
    dev.conveyor.messaging.KeyedExecutor keyed;

    @Incoming(Channels.DISPATCHED_IN)
    public Uni<Void> onDispatched(Message<String> received) {
        // the job's monitoring span lasts while the record is held: its ack (or nack) ends it
        Message<String> message = dev.conveyor.messaging.RecordTracing.endingOnAck(StageHandler.observed(STAGE, received),
                dev.conveyor.messaging.RecordTracing.taken(STAGE, received));
        return keyed.submit(RecordSource.orderingKey(message), () -> StageHandler
                .blocking(() -> Json.read(message.getPayload(), JobDispatched.class))
                .invoke(event -> watch(event, message))
                .replaceWithVoid()
                .onFailure().recoverWithUni(e -> {
                    LOG.errorf(e, "dispatched record %s goes to the DLQ", RecordSource.of(message));
                    return Uni.createFrom().completionStage(message.nack(e));
                }));
    }

    /** Starts watching the job; the record stays unacknowledged until the job completes. */
    private void watch(JobDispatched event, Message<String> message) {
        MonitoringService.Started started;
        try {
            // the check and the run state the event names (n, and the absence of n + 1): one read call
            var checked = policy.call("job-check",
                    () -> cancels.check(event.jobId(), RunStore.keysFrom(event.jobId(), event.runVersion())));
            var check = checked.check();
            started = check.answered() ? MonitoringService.Started.ALREADY_DONE
                    : monitoring.watch(event, message, check.cancelled().orElse(null), checked.alsoRead());
        } catch (Exception e) {
            var again = (java.util.function.Supplier<Uni<Void>>) () -> keyed.submit(RecordSource.orderingKey(message),
                    () -> StageHandler.blocking(() -> {
                        watch(event, message); // in its turn among the job's records
                        return null;
                    }).replaceWithVoid());
            if (held.holdIfItMayPass(dev.conveyor.messaging.HeldRecords.name(event.jobId(), message), message, e, again)) {
                return; // the store (or the backend) away beyond the policy: the running job waits for it, not failed
            }
            LOG.errorf("job %s cannot be watched: %s", event.jobId(), e.getMessage());
            complete(MonitoringService.failed(event, "monitoring failed: " + e.getMessage(), Instant.now()), message);
            return;
        }
        held.answered(); // taken in: the store answers this stage again
        if (started != MonitoringService.Started.WATCHING) {
            message.ack(); // already collected, or a duplicate of a job being watched
            return;
        }
        String backend = drivers.backends().get(event.backend()).type();
        pollers.computeIfAbsent(backend, b -> {
            ComputeBackend cb = drivers.backends().get(b);
            BackendPoller p = new BackendPoller(b, cycles, () -> cycle(b), () -> monitoring.backendsWatched().contains(b),
                    config.monitoring().pollInterval(), config.monitoring().pollIntervalMax());
            cb.onChange(p::wakeNow);
            return p;
        }).wakeNow();
    }

    /**
     * One cycle: status events go out without waiting (progress, not state); each completion is on
     * the broker before its dispatched record is acknowledged and the job forgotten. The cycle does
     * not wait for its completions: one the broker refuses (its producer retries up to
     * {@code delivery.timeout.ms}, two minutes) would hold up every job of the backend — no poll, no
     * time limit, no cancel — for that long. Until a completion is taken or refused, the job's
     * turns produce it no second time (the watch is {@code completing}); a refused one comes again at
     * the job's next turn. Each job's status events and completion go out as its turn ends (not when the
     * cycle's slowest turn does); completions are handed to the producer on a thread of their own ({@code sends}),
     * a job's status events before its completion.
     */
    private BackendPoller.Cycle cycle(String backend) {
        // each job's events and completion go out as its turn ends, not when the cycle's slowest turn does
        List<MonitoringService.Outcome> outcomes = monitoring.cycle(backend, turns, this::publish);
        BackendPoller.Cycle result = BackendPoller.Cycle.QUIET;
        for (MonitoringService.Outcome o : outcomes) {
            if (o.launched()) {
                result = BackendPoller.Cycle.LAUNCHED;
            } else if (result == BackendPoller.Cycle.QUIET && (!o.events().isEmpty() || o.completed().isPresent())) {
                result = BackendPoller.Cycle.CHANGED;
            }
        }
        return result;
    }

    private void publish(MonitoringService.Outcome o) {
        o.events().forEach(publish::statusLater);
        o.completed().ifPresent(done -> {
            try {
                sends.execute(() -> completion(done, (Message<?>) o.token()).subscribe().with(
                        ok -> monitoring.done(o.jobId(), o.token()),
                        e -> refused(o, e)));
            } catch (RuntimeException e) { // the sender refused it (shutting down): the job's next turn sends it again
                refused(o, e);
            }
        });
    }

    private void refused(MonitoringService.Outcome o, Throwable e) {
        monitoring.completionRefused(o.jobId(), o.token());
        LOG.errorf(e, "completion of job %s not published, will retry", o.jobId());
    }

    /** Publishes the completion (one try: a refused one is tried again at the job's next turn), then acknowledges the held dispatched record. */
    private Uni<Void> completion(JobCompleted done, Message<?> message) {
        return publish.completedOnce(STAGE, done, ended(done))
                .chain(() -> Uni.createFrom().completionStage(message.ack()));
    }

    private boolean complete(JobCompleted done, Message<?> message) {
        try {
            publish.completed(STAGE, done, ended(done)).await().indefinitely();
            message.ack();
            return true;
        } catch (RuntimeException e) {
            LOG.errorf(e, "completion of job %s not published, will retry", done.jobId());
            return false;
        }
    }

    private static JobStatusEvent ended(JobCompleted done) {
        return JobStatusEvent.job(done.jobId(), STAGE, "ENDED", "all tasks ended: " + done.state());
    }

    /** Stops the job at its next turn if this instance watches it; returns whether it does. */
    public boolean cancel(String jobId, String reason) {
        boolean here = monitoring.cancel(jobId, reason);
        if (here) {
            pollers.values().forEach(BackendPoller::wakeNow);
        }
        return here;
    }

    /** The partitions went to another instance: stop deciding for their jobs here. */
    void revoked(Collection<org.apache.kafka.common.TopicPartition> partitions) {
        java.util.function.Predicate<Object> leaving = dev.conveyor.messaging.HeldRecords.onPartitions(partitions);
        held.letGo(leaving);
        Set<String> lost = monitoring.tokens().entrySet().stream().filter(e -> leaving.test(e.getValue()))
                .map(Map.Entry::getKey).collect(Collectors.toSet());
        if (!lost.isEmpty()) {
            LOG.infof("partitions %s revoked: %d job(s) handed over", partitions, lost.size());
            Map<String, Object> tokens = monitoring.tokens();
            lost.forEach(id -> {
                if (tokens.get(id) instanceof Message<?> m) {
                    dev.conveyor.messaging.RecordTracing.handedOver(m); // its span ends here; the new owner starts one
                }
            });
            monitoring.drop(lost);
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        pollers.values().forEach(BackendPoller::stop);
        cycles.shutdownNow();
        turns.shutdownNow();
        sends.shutdownNow();
    }
}
