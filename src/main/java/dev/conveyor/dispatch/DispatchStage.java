package dev.conveyor.dispatch;

import dev.conveyor.compute.ComputeException;
import dev.conveyor.control.CancelRegistry;
import dev.conveyor.messaging.Channels;
import dev.conveyor.messaging.EventPublisher;
import dev.conveyor.messaging.StageHandler;
import dev.conveyor.model.JobState;
import dev.conveyor.model.events.JobCompleted;
import dev.conveyor.model.events.JobStaged;
import dev.conveyor.model.events.JobStatusEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;

/**
 * staged → dispatched: the job and its tasks are created on the provider. Transient provider
 * errors are retried with backoff; a terminal one fails the job with the provider's reason.
 */
@ApplicationScoped
public class DispatchStage {
    private static final Logger LOG = Logger.getLogger(DispatchStage.class);

    @Inject
    DispatchService dispatch;
    @Inject
    EventPublisher publish;
    @Inject
    CancelRegistry cancels;

    @Incoming(Channels.STAGED_IN)
    public Uni<Void> onStaged(Message<String> message) {
        return StageHandler.handle(message, JobStaged.class, event -> {
            var job = event.job();
            var cancelled = cancels.reason(job.id());
            if (cancelled.isPresent()) {
                return publish.completed("dispatch", JobCompleted.failedBeforeRun(job, JobState.CANCELLED,
                        "cancelled before it ran: " + cancelled.get(), Instant.now()));
            }
            return StageHandler.blocking(() -> dispatch.dispatch(job))
                    .onFailure(e -> e instanceof ComputeException c && c.transientFailure())
                    .retry().withBackOff(Duration.ofMillis(250), Duration.ofSeconds(30)).withJitter(0.25).atMost(10)
                    .chain(dispatched -> publish.dispatched(dispatched)
                            .chain(() -> publish.status(JobStatusEvent.job(job.id(), "dispatch", "DISPATCHED",
                                    job.tasks().size() + " tasks submitted to " + dispatched.provider()))))
                    .onFailure(e -> e instanceof ComputeException || e instanceof IllegalArgumentException)
                    .recoverWithUni(e -> {
                        LOG.warnf("job %s could not be dispatched: %s", job.id(), e.getMessage());
                        return publish.completed("dispatch", JobCompleted.failedBeforeRun(job, JobState.FAILED,
                                        "dispatch failed: " + e.getMessage(), Instant.now()))
                                .chain(() -> publish.status(JobStatusEvent.job(job.id(), "dispatch", "FAILED", e.getMessage())));
                    });
        });
    }
}
