package dev.conveyor.messaging;

import dev.conveyor.model.events.JobCompleted;
import dev.conveyor.model.events.JobDispatched;
import dev.conveyor.model.events.JobStaged;
import dev.conveyor.model.events.JobStatusEvent;
import dev.conveyor.model.events.JobSubmitted;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

/**
 * Publishes stage events. Each call's {@code Uni} completes when the broker has acknowledged the
 * record, so a stage acknowledges its input only after its output is safe (at-least-once).
 */
@ApplicationScoped
public class EventPublisher {
    private static final Logger LOG = Logger.getLogger(EventPublisher.class);
    private static final int BUFFER = 8192;

    @Inject
    @Channel(Channels.SUBMITTED_OUT)
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = BUFFER)
    MutinyEmitter<String> submitted;

    @Inject
    @Channel(Channels.STAGED_OUT)
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = BUFFER)
    MutinyEmitter<String> staged;

    @Inject
    @Channel(Channels.DISPATCHED_OUT)
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = BUFFER)
    MutinyEmitter<String> dispatched;

    @Inject
    @Channel(Channels.COMPLETED_OUT)
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = BUFFER)
    MutinyEmitter<String> completed;

    /** Status events come in bursts (one per task of a 10,000-task job): a deeper buffer. */
    @Inject
    @Channel(Channels.STATUS)
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 131072)
    MutinyEmitter<String> status;

    // Each output takes the job's status event for that step and queues it first (why: statusLater).

    public Uni<Void> submitted(JobSubmitted event, JobStatusEvent status) {
        statusLater(status);
        return submitted.sendMessage(Envelopes.message(event.jobId(), "submission", EventTypes.SUBMITTED, event));
    }

    public Uni<Void> staged(JobStaged event, JobStatusEvent status) {
        statusLater(status);
        return staged.sendMessage(Envelopes.message(event.jobId(), "staging", EventTypes.STAGED, event));
    }

    public Uni<Void> dispatched(JobDispatched event, JobStatusEvent status) {
        statusLater(status);
        return dispatched.sendMessage(Envelopes.message(event.jobId(), "dispatch", EventTypes.DISPATCHED, event));
    }

    public Uni<Void> completed(String stage, JobCompleted event, JobStatusEvent status) {
        statusLater(status);
        return completed.sendMessage(Envelopes.message(event.jobId(), stage, EventTypes.COMPLETED, event));
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
        status(event).subscribe().with(x -> { }, e -> { });
    }

    /** Status is progress, not state: a lost status event is logged, never fails the stage. */
    public Uni<Void> status(JobStatusEvent event) {
        return status.sendMessage(Envelopes.message(event.jobId(), event.stage(), EventTypes.STATUS, event))
                .onFailure().recoverWithItem(e -> {
                    LOG.warnf("status event for job %s not published: %s", event.jobId(), e.getMessage());
                    return null;
                });
    }
}
