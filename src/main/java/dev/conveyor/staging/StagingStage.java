package dev.conveyor.staging;

import dev.conveyor.control.CancelRegistry;
import dev.conveyor.messaging.Channels;
import dev.conveyor.messaging.EventPublisher;
import dev.conveyor.messaging.StageHandler;
import dev.conveyor.model.JobState;
import dev.conveyor.model.events.JobCompleted;
import dev.conveyor.model.events.JobStaged;
import dev.conveyor.model.events.JobStatusEvent;
import dev.conveyor.model.events.JobSubmitted;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

import java.time.Instant;

/** submitted → staged: inputs into the object store. A job whose inputs cannot be staged fails here. */
@ApplicationScoped
public class StagingStage {
    @Inject
    StagingService staging;
    @Inject
    EventPublisher publish;
    @Inject
    CancelRegistry cancels;

    @Incoming(Channels.SUBMITTED_IN)
    public Uni<Void> onSubmitted(Message<String> message) {
        return StageHandler.handle(message, JobSubmitted.class, event -> {
            var job = event.job();
            var cancelled = cancels.reason(job.id());
            if (cancelled.isPresent()) {
                return publish.completed("staging", JobCompleted.failedBeforeRun(job, JobState.CANCELLED,
                        "cancelled before it ran: " + cancelled.get(), Instant.now()));
            }
            try {
                JobStaged staged = staging.stage(job);
                return publish.staged(staged)
                        .chain(() -> publish.status(JobStatusEvent.job(job.id(), "staging", "STAGED",
                                "inputs staged for " + job.tasks().size() + " tasks")));
            } catch (StagingException e) {
                return publish.completed("staging", JobCompleted.failedBeforeRun(job, JobState.FAILED,
                                "staging failed: " + e.getMessage(), Instant.now()))
                        .chain(() -> publish.status(JobStatusEvent.job(job.id(), "staging", "FAILED", e.getMessage())));
            }
        });
    }
}
