package dev.conveyor.monitoring;

import dev.conveyor.collection.ResultLedger;
import dev.conveyor.compute.ComputeException;
import dev.conveyor.config.ConveyorConfig;
import dev.conveyor.control.CancelRegistry;
import dev.conveyor.messaging.Channels;
import dev.conveyor.messaging.EventPublisher;
import dev.conveyor.messaging.RecordSource;
import dev.conveyor.messaging.StageHandler;
import dev.conveyor.model.JobState;
import dev.conveyor.model.Json;
import dev.conveyor.model.events.JobCompleted;
import dev.conveyor.model.events.JobDispatched;
import dev.conveyor.model.events.JobStatusEvent;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * dispatched → completed. A dispatched record is held, unacknowledged, for as long as its job
 * runs; it is acknowledged only after the completion is on the broker. If this process dies, the
 * record's offset was never committed, so the next owner of the partition gets it again and picks
 * the job up where the provider has it (the provider keeps the truth; monitoring keeps nothing).
 */
@ApplicationScoped
public class MonitoringStage {
    private static final Logger LOG = Logger.getLogger(MonitoringStage.class);

    @Inject
    MonitoringService monitoring;
    @Inject
    EventPublisher publish;
    @Inject
    ResultLedger ledger;
    @Inject
    ConveyorConfig config;
    @Inject
    CancelRegistry cancels;

    private final Map<String, Watch> watches = new ConcurrentHashMap<>();
    private volatile ScheduledExecutorService ticker;

    private static final class Watch {
        final JobTracker tracker;
        final Message<String> message;
        final AtomicBoolean busy = new AtomicBoolean();
        volatile String cancelReason;

        Watch(JobTracker tracker, Message<String> message) {
            this.tracker = tracker;
            this.message = message;
        }
    }

    @Incoming(Channels.DISPATCHED_IN)
    public Uni<Void> onDispatched(Message<String> message) {
        return StageHandler.blocking(() -> Json.read(message.getPayload(), JobDispatched.class))
                .invoke(event -> watch(event, message))
                .replaceWithVoid()
                .onFailure().recoverWithUni(e -> {
                    LOG.errorf(e, "dispatched record %s goes to the DLQ", RecordSource.of(message));
                    return Uni.createFrom().completionStage(message.nack(e));
                });
    }

    /** Starts watching the job; the record stays unacknowledged until the job completes. */
    private void watch(JobDispatched event, Message<String> message) {
        String jobId = event.job().id();
        boolean collected;
        try {
            collected = ledger.hasResult(jobId);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the result ledger: " + e.getMessage(), e);
        }
        Watch watch = new Watch(new JobTracker(event), message);
        if (collected || watches.putIfAbsent(jobId, watch) != null) {
            message.ack(); // already collected, or a duplicate of a job being watched
            return;
        }
        cancels.reason(jobId).ifPresent(reason -> watch.cancelReason = reason); // cancelled on its way here
        ensureTicking();
    }

    private synchronized void ensureTicking() {
        if (ticker == null) {
            ticker = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "conveyor-monitoring");
                t.setDaemon(true);
                return t;
            });
            long every = config.monitoring().pollInterval().toMillis();
            ticker.scheduleWithFixedDelay(this::tick, every, every, TimeUnit.MILLISECONDS);
        }
    }

    private void tick() {
        for (Watch w : watches.values()) {
            if (w.busy.compareAndSet(false, true)) {
                Infrastructure.getDefaultWorkerPool().execute(() -> pollOnce(w));
            }
        }
    }

    private void pollOnce(Watch w) {
        String jobId = w.tracker.job().id();
        try {
            JobTracker.Step step = monitoring.poll(w.tracker, w.cancelReason);
            Multi.createFrom().iterable(step.events()).onItem().transformToUniAndConcatenate(publish::status)
                    .collect().last().await().indefinitely();
            if (step.completed().isPresent()) {
                complete(w, step.completed().get());
                return;
            }
        } catch (ComputeException e) {
            if (e.transientFailure()) {
                LOG.warnf("polling job %s failed, will retry: %s", jobId, e.getMessage());
            } else {
                LOG.errorf("job %s cannot be monitored: %s", jobId, e.getMessage());
                complete(w, JobCompleted.failedBeforeRun(w.tracker.job(), JobState.FAILED,
                        "monitoring failed: " + e.getMessage(), Instant.now()));
                return;
            }
        } catch (RuntimeException e) {
            LOG.errorf(e, "polling job %s failed, will retry", jobId);
        }
        w.busy.set(false);
    }

    private void complete(Watch w, JobCompleted done) {
        try {
            publish.completed("monitoring", done)
                    .chain(() -> publish.status(JobStatusEvent.job(done.jobId(), "monitoring", "ENDED",
                            "all tasks ended: " + done.state())))
                    .await().indefinitely();
            w.message.ack();
            watches.remove(done.jobId());
        } catch (RuntimeException e) {
            LOG.errorf(e, "completion of job %s not published, will retry", done.jobId());
            w.busy.set(false);
        }
    }

    /** Stops the job at its next poll if this instance watches it; returns whether it does. */
    public boolean cancel(String jobId, String reason) {
        Watch w = watches.get(jobId);
        if (w == null) {
            return false;
        }
        w.cancelReason = reason;
        return true;
    }

    void onStop(@Observes ShutdownEvent event) {
        if (ticker != null) {
            ticker.shutdownNow();
        }
    }
}
