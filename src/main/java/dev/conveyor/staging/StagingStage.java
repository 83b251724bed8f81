package dev.conveyor.staging;

import dev.conveyor.control.CancelRegistry;
import dev.conveyor.messaging.Channels;
import dev.conveyor.messaging.EventPublisher;
import dev.conveyor.messaging.HeldRecords;
import dev.conveyor.messaging.KeyedExecutor;
import dev.conveyor.messaging.RecordSource;
import dev.conveyor.messaging.StageHandler;
import dev.conveyor.model.JobSpec;
import dev.conveyor.model.JobState;
import dev.conveyor.model.events.JobCompleted;
import dev.conveyor.model.events.JobStatusEvent;
import dev.conveyor.model.events.JobSubmitted;
import dev.conveyor.retry.CallPolicy;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

import java.time.Instant;

/**
 * submitted → staged: inputs into the object store. A job whose inputs cannot be staged fails here
 * with the reason — at once, or, when its source may recover, after rounds of tries spaced out for the
 * stage policy's duration, the record held outside its slot between them ({@link SourceTrouble}). An
 * unavailable store is retried and, if it stays away, the record is held and handled again until it
 * answers ({@link HeldRecords}) — the job's result would wait for the store anyway.
 */
@ApplicationScoped
public class StagingStage {
    private static final String STAGE = "staging";

    @Inject
    StagingService staging;
    @Inject
    EventPublisher publish;
    @Inject
    CancelRegistry cancels;
    @Inject
    @Named("stages")
    CallPolicy policy;

    @Inject
    @Named("stage-records")
    KeyedExecutor keyed;

    @Incoming(Channels.SUBMITTED_IN)
    public Uni<Void> onSubmitted(Message<String> message) {
        return keyed.submit(RecordSource.orderingKey(message), () -> StageHandler.handle(message, JobSubmitted.class,
                this::work, held, () -> onSubmitted(message))); // work runs on a worker thread already
    }

    /**
     * Jobs the object store stays away for beyond the policy: held and handled again, not failed (their results
     * would wait for the store anyway).
     */
    private HeldRecords held;

    /** Tries of one job's inputs within a round, in the slot: a few, quickly; the rounds are spaced outside it. */
    @Inject
    @Named("staging-sources")
    CallPolicy sources;
    private SourceTrouble trouble;

    @jakarta.annotation.PostConstruct
    void start() {
        held = HeldRecords.of(STAGE, policy.settings().maxDelay());
        var stages = policy.settings();
        trouble = new SourceTrouble(stages.maxDuration(), stages.maxDelay(), java.time.Clock.systemUTC());
    }

    private Uni<Void> work(JobSubmitted event) {
        Instant now = Instant.now();
        try {
            var check = policy.call("job-check", () -> cancels.check(event.jobId()));
            if (check.cancelled().isPresent()) {
                return failed(event, JobState.CANCELLED, "cancelled before it ran: " + check.cancelled().get(), now);
            }
            if (check.answered()) {
                return Uni.createFrom().voidItem(); // finished long ago: a late re-delivery
            }
            JobSpec job = policy.call("spec", () -> staging.spec(event));
            var staged = sources.call("stage", () -> staging.stage(event, job));
            trouble.over(event.jobId());
            return publish.staged(staged,
                    JobStatusEvent.job(job.id(), STAGE, "STAGED", "inputs staged for " + JobStatusEvent.tasks(job.tasks().size())));
        } catch (CallPolicy.CallFailedException e) {
            if (CallPolicy.storeAway(e)) {
                throw e; // the record is held and handled again until the store answers (StageHandler, HeldRecords)
            }
            if (e.getCause() instanceof StagingException s && s.isTransient()) {
                var pause = trouble.failedAgain(event.jobId());
                if (pause.isPresent()) {
                    throw new SourceMayRecover(s, pause.get()); // waits outside the slot, then the next round
                }
            }
            trouble.over(event.jobId());
            String reason = e.getCause() instanceof StagingException s ? s.getMessage()
                    : "the object store failed: " + e.getCause().getMessage();
            return failed(event, JobState.FAILED, "staging failed: " + reason, now);
        } catch (RuntimeException e) {
            if (CallPolicy.storeAway(e)) {
                throw e;
            }
            return failed(event, JobState.FAILED, "staging failed: " + e.getMessage(), now);
        }
    }

    private Uni<Void> failed(JobSubmitted event, JobState state, String reason, Instant now) {
        return publish.completed(STAGE, JobCompleted.beforeRun(event.jobId(), event.name(), event.specKey(),
                event.specHash(), event.request(), event.submittedAt(), state, reason, now),
                JobStatusEvent.job(event.jobId(), STAGE, state.name(), reason));
    }
}
