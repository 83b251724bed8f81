package dev.conveyor.dispatch;

import dev.conveyor.compute.ComputeException;
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
import dev.conveyor.model.events.JobStaged;
import dev.conveyor.model.events.JobStatusEvent;
import dev.conveyor.retry.CallPolicy;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import java.time.Instant;

/**
 * staged → dispatched: the environment exists, the run state is saved, the first tasks are
 * submitted. Transient failures are retried under the backend's (and the stage's) policy; a
 * terminal one fails the job with the backend's reason. An object store that stays away beyond the
 * stage's policy fails nothing: the record is held and handled again until it answers ({@link HeldRecords}); a
 * backend whose API stays away is waited for likewise, for up to {@code conveyor.dispatch.backend-wait}
 * ({@link BackendWait}), then the job fails naming it.
 */
@ApplicationScoped
public class DispatchStage {
    private static final Logger LOG = Logger.getLogger(DispatchStage.class);
    private static final String STAGE = "dispatch";

    @Inject
    DispatchService dispatch;
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

    @Inject
    dev.conveyor.config.ConveyorConfig config;

    @Incoming(Channels.STAGED_IN)
    public Uni<Void> onStaged(Message<String> message) {
        return keyed.submit(RecordSource.orderingKey(message), () -> StageHandler.handle(message, JobStaged.class,
                this::work, held, () -> onStaged(message))); // work runs on a worker thread already
    }

    /**
     * Jobs the object store stays away for beyond the policy: held and handled again, not failed (their results
     * would wait for the store anyway).
     */
    private HeldRecords held;
    /** Jobs whose backend stays away: how long each has waited. */
    private BackendWait waits;

    @jakarta.annotation.PostConstruct
    void start() {
        held = HeldRecords.of(STAGE, policy.settings().maxDelay());
        waits = new BackendWait(config.dispatch().backendWait(), java.time.Clock.systemUTC());
    }

    private Uni<Void> work(JobStaged event) {
        JobSpec job;
        try {
            job = policy.call("spec", () -> dispatch.spec(event));
        } catch (RuntimeException e) {
            if (CallPolicy.storeAway(e)) {
                throw e; // the record is held and handled again until the store answers (StageHandler, HeldRecords)
            }
            return failed(event, null, JobState.FAILED, "dispatch failed: cannot read the job's spec: " + message(e));
        }
        try {
            // the check and run state 1 (absent unless the job was opened before): one read call
            var checked = policy.call("job-check", () -> cancels.check(job.id(), DispatchService.runKeys(event)));
            var check = checked.check();
            if (check.cancelled().isPresent()) {
                return failed(event, job, JobState.CANCELLED, "cancelled before it ran: " + check.cancelled().get());
            }
            if (check.answered()) {
                waits.done(job.id());
                return Uni.createFrom().voidItem(); // the job has its result: a late re-delivery
            }
            var dispatched = policy.call("dispatch", () -> dispatch.dispatch(event, job, checked.alsoRead()));
            waits.done(job.id());
            return publish.dispatched(dispatched, JobStatusEvent.job(job.id(), STAGE,
                    "DISPATCHED", JobStatusEvent.tasks(job.tasks().size()) + " on " + dispatched.backend() + ", environment ready"));
        } catch (RuntimeException e) {
            if (CallPolicy.storeAway(e)) {
                throw e; // held and handled again until the store answers (StageHandler, HeldRecords)
            }
            BackendWait.Waiting waiting = waits.mayWait(job.id(), e);
            if (waiting != null) {
                if (waiting.first()) { // the user is told once; the WARN of each hold is the operator's
                    publish.statusLater(JobStatusEvent.job(job.id(), STAGE, "STAGED", "waiting for " + job.runsOn().type()
                            + ": " + message(e) + "; tried again every " + HeldRecords.spoken(policy.settings().maxDelay())
                            + " until " + waiting.until().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)));
                }
                throw e; // held and handled again, for up to backend-wait since the job's first such failure
            }
            LOG.warnf("job %s could not be dispatched: %s", job.id(), message(e));
            return failed(event, job, JobState.FAILED, "dispatch failed: " + message(e) + gaveUp(e));
        }
    }

    /** What the reason adds when the backend was waited for and did not come back. */
    private String gaveUp(Throwable e) {
        return waits.window().isZero() || !CallPolicy.isTransient(CallPolicy.failureOf(e)) ? ""
                : " (the backend was waited for " + HeldRecords.spoken(waits.window()) + ")";
    }

    private static String message(Throwable e) {
        Throwable t = CallPolicy.failureOf(e);
        return t instanceof ComputeException || t.getMessage() != null ? t.getMessage() : t.toString();
    }

    private Uni<Void> failed(JobStaged event, JobSpec job, JobState state, String reason) {
        waits.done(event.jobId());
        Instant now = Instant.now();
        return publish.completed(STAGE, JobCompleted.beforeRun(event.jobId(), job == null ? event.jobId() : job.name(),
                event.specKey(), event.specHash(), event.request(), job == null ? null : job.submittedAt(),
                state, reason, now), JobStatusEvent.job(event.jobId(), STAGE, state.name(), reason));
    }
}
