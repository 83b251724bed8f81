package dev.conveyor.messaging;

import dev.conveyor.model.events.JobCompleted;
import dev.conveyor.model.events.JobDispatched;
import dev.conveyor.model.events.JobStaged;
import dev.conveyor.model.events.JobStatusEvent;
import dev.conveyor.model.events.JobSubmitted;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.jboss.logging.Logger;

import java.time.Duration;

/**
 * Publishes stage events. Each call's {@code Uni} completes when the broker has acknowledged the
 * record, so a stage acknowledges its input only after its output is safe (at-least-once). Call it
 * from a worker thread: a send may block while its producer waits for metadata or buffer room
 * ({@link ChannelSender}).
 *
 * <p>An output the broker did not take for a reason that passes (its producer gave up after
 * {@code delivery.timeout.ms}, or found no leader or no metadata for the topic within
 * {@code max.block.ms}: Kafka's retriable exceptions) is sent again ({@link Resend}: after 1 s, doubling
 * up to 30 s), for as long as it takes — the input stays unacknowledged meanwhile, so nothing is lost and
 * the job does not end in the DLQ without a result because its topic was unavailable for a while;
 * other jobs go on until the stage's records in flight are all such jobs, then the stage waits.
 * Each new try is logged and counted ({@code conveyor_stage_records_total{outcome="resent"}}). A
 * failure that would repeat (a record too large, an authorization error) fails the Uni: the stage
 * nacks its input to the DLQ with that reason.
 */
@ApplicationScoped
public class EventPublisher {
    private static final Logger LOG = Logger.getLogger(EventPublisher.class);

    private final ChannelSender submitted;
    private final ChannelSender staged;
    private final ChannelSender dispatched;
    private final ChannelSender completed;
    private final ChannelSender status;
    private final OutputRefusals refusals;

    /**
     * The channels' emitters are never sent through: they declare this bean as the channels'
     * upstream, so the connector wires each channel (and makes its producer) as for any emitter and
     * does not report it unconnected. Records go straight to those producers ({@link ChannelSender}).
     */
    @Inject
    EventPublisher(KafkaClientService kafka, Config config, OutputRefusals refusals,
                   @Channel(Channels.SUBMITTED_OUT) MutinyEmitter<String> submittedChannel,
                   @Channel(Channels.STAGED_OUT) MutinyEmitter<String> stagedChannel,
                   @Channel(Channels.DISPATCHED_OUT) MutinyEmitter<String> dispatchedChannel,
                   @Channel(Channels.COMPLETED_OUT) MutinyEmitter<String> completedChannel,
                   @Channel(Channels.STATUS) MutinyEmitter<String> statusChannel) {
        submitted = new ChannelSender(kafka, config, Channels.SUBMITTED_OUT);
        staged = new ChannelSender(kafka, config, Channels.STAGED_OUT);
        dispatched = new ChannelSender(kafka, config, Channels.DISPATCHED_OUT);
        completed = new ChannelSender(kafka, config, Channels.COMPLETED_OUT);
        status = new ChannelSender(kafka, config, Channels.STATUS);
        this.refusals = refusals;
        StageHandler.reportDlqRefusalsTo(refusals, config.getValue("conveyor.topics.dlq", String.class));
    }

    // Each output takes the job's status event for that step and queues it first (why: statusLater).

    public Uni<Void> submitted(JobSubmitted event, JobStatusEvent status) {
        statusLater(status);
        return untilTaken(submitted, event.jobId(), "submission", EventTypes.SUBMITTED, event);
    }

    public Uni<Void> staged(JobStaged event, JobStatusEvent status) {
        statusLater(status);
        return untilTaken(staged, event.jobId(), "staging", EventTypes.STAGED, event);
    }

    public Uni<Void> dispatched(JobDispatched event, JobStatusEvent status) {
        statusLater(status);
        return untilTaken(dispatched, event.jobId(), "dispatch", EventTypes.DISPATCHED, event);
    }

    public Uni<Void> completed(String stage, JobCompleted event, JobStatusEvent status) {
        statusLater(status);
        return untilTaken(completed, event.jobId(), stage, EventTypes.COMPLETED, event);
    }

    /**
     * The completion of a job monitoring watches, tried once: monitoring tries again itself at the job's
     * next turn (the job stays watched, its record held, until the completion is on the broker), so a
     * completion the broker refuses never holds up monitoring's cycle — and every other job it watches.
     */
    public Uni<Void> completedOnce(String stage, JobCompleted event, JobStatusEvent status) {
        statusLater(status);
        return completed.send(event.jobId(), stage, EventTypes.COMPLETED, event)
                .onItemOrFailure().invoke((ok, e) -> {
                    if (e == null) {
                        refusals.settled(completed.topic(), event.jobId());
                    } else if (Resend.passes(e)) {
                        refusals.refused(completed.topic(), event.jobId(), e);
                    }
                });
    }

    /**
     * Sends a stage output, again after a failure that passes, until the broker takes it (see the class
     * comment); while it waits, {@link OutputRefusals} has it (readiness: {@code stage-outputs}).
     */
    private Uni<Void> untilTaken(ChannelSender sender, String jobId, String stage, String type, Object event) {
        return Resend.untilTaken(sender.send(jobId, stage, type, event), e -> {
                    refusals.refused(sender.topic(), jobId, e);
                    StageHandler.observer().record(stage, StageObserver.Outcome.RESENT);
                    LOG.warnf("%s: the %s event of job %s was not taken by the broker (%s); it is sent again",
                            stage, type, jobId, e.getMessage());
                })
                .onTermination().invoke(() -> refusals.settled(sender.topic(), jobId));
    }

    /**
     * Publishes a status event without waiting for the broker: progress is not on the critical path
     * of a job. Sends keep their call order (one producer), so one job's events stay in order — as
     * long as a status event is queued <em>before</em> the output the next stage acts on (the output
     * methods above take it and do so): the next stage's own status events are then queued behind
     * it. (Queued after the output's acknowledgement, the next stage could consume the output and
     * queue its status first: a job's DISPATCHED after its RUNNING. Between stages in different
     * processes, two producers, the order is the order in which the sends reach the broker.)
     */
    public void statusLater(JobStatusEvent event) {
        if (statusPaused) {
            statusDropped.incrementAndGet();
            return;
        }
        // straight to the producer: nothing waits for it, so no Uni to build, decorate and subscribe
        Thread caller = Thread.currentThread();
        status.sendLater(event.jobId(), event.stage(), EventTypes.STATUS, event, e -> {
            if (e != null) {
                notPublished(event, e);
                if (Thread.currentThread() == caller && e instanceof org.apache.kafka.common.errors.TimeoutException) {
                    pauseStatus(e); // the caller waited for it in vain: do not make the next callers wait too
                }
            }
        });
    }

    /*
     * Status events are appended on the stage's own thread (that keeps a job's events in order), and an
     * append waits up to the status producer's max.block.ms (a minute by default) when the producer has no
     * metadata for the topic (deleted, not yet made) or no buffer room: with the status topic gone, every
     * status event held its stage - dispatch, monitoring's cycle with its time limits and cancels - that
     * long. After an append that waited in vain, status events are dropped at once (counted; they are
     * progress, and they would have been dropped after the wait) while a thread of their own waits for
     * the topic's partitions, every STATUS_PAUSE, and lets them through again once it has them. Dropping
     * keeps the order of those that are sent. While status events flow, this costs one volatile read.
     */
    static final Duration STATUS_PAUSE = Duration.ofSeconds(10);
    private volatile boolean statusPaused;
    private final java.util.concurrent.atomic.AtomicLong statusDropped = new java.util.concurrent.atomic.AtomicLong();

    private synchronized void pauseStatus(Exception e) {
        if (statusPaused) {
            return;
        }
        statusPaused = true;
        LOG.warnf("status events cannot be appended to %s (%s): they are dropped until it takes records again",
                status.topic(), e.getMessage());
        Thread waiter = new Thread(this::awaitStatusTopic, "conveyor-status-topic-wait");
        waiter.setDaemon(true);
        waiter.start();
    }

    /** Waits for the status topic's partitions, STATUS_PAUSE between tries, then lets status events through. */
    private void awaitStatusTopic() {
        while (true) {
            try {
                Thread.sleep(STATUS_PAUSE.toMillis());
                status.awaitTopic(); // up to the producer's max.block.ms
                break;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.debugf("status topic %s still unavailable: %s", status.topic(), e.getMessage());
            }
        }
        synchronized (this) {
            statusPaused = false;
        }
        LOG.infof("status events are appended to %s again (%d were dropped)", status.topic(), statusDropped.getAndSet(0));
    }

    /** Status is progress, not state: a lost status event is logged, never fails the stage. */
    public Uni<Void> status(JobStatusEvent event) {
        return status.send(event.jobId(), event.stage(), EventTypes.STATUS, event)
                .onFailure().recoverWithItem(e -> {
                    notPublished(event, e);
                    return null;
                });
    }

    private static void notPublished(JobStatusEvent event, Throwable e) {
        LOG.warnf("status event for job %s not published: %s", event.jobId(), e.getMessage());
    }
}
