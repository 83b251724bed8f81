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

/**
 * Publishes stage events. Each call's {@code Uni} completes when the broker has acknowledged the
 * record, so a stage acknowledges its input only after its output is safe (at-least-once). Call it
 * from a worker thread: a send may block while its producer waits for metadata or buffer room
 * ({@link ChannelSender}).
 */
@ApplicationScoped
public class EventPublisher {
    private static final Logger LOG = Logger.getLogger(EventPublisher.class);

    private final ChannelSender submitted;
    private final ChannelSender staged;
    private final ChannelSender dispatched;
    private final ChannelSender completed;
    private final ChannelSender status;

    /**
     * The channels' emitters are never sent through: they declare this bean as the channels'
     * upstream, so the connector wires each channel (and makes its producer) as for any emitter and
     * does not report it unconnected. Records go straight to those producers ({@link ChannelSender}).
     */
    @Inject
    EventPublisher(KafkaClientService kafka, Config config,
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
    }

    // Each output takes the job's status event for that step and queues it first (why: statusLater).

    public Uni<Void> submitted(JobSubmitted event, JobStatusEvent status) {
        statusLater(status);
        return submitted.send(event.jobId(), "submission", EventTypes.SUBMITTED, event);
    }

    public Uni<Void> staged(JobStaged event, JobStatusEvent status) {
        statusLater(status);
        return staged.send(event.jobId(), "staging", EventTypes.STAGED, event);
    }

    public Uni<Void> dispatched(JobDispatched event, JobStatusEvent status) {
        statusLater(status);
        return dispatched.send(event.jobId(), "dispatch", EventTypes.DISPATCHED, event);
    }

    public Uni<Void> completed(String stage, JobCompleted event, JobStatusEvent status) {
        statusLater(status);
        return completed.send(event.jobId(), stage, EventTypes.COMPLETED, event);
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
        // straight to the producer: nothing waits for it, so no Uni to build, decorate and subscribe
        status.sendLater(event.jobId(), event.stage(), EventTypes.STATUS, event, e -> notPublished(event, e));
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
