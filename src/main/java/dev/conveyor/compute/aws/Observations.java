package dev.conveyor.compute.aws;

import dev.conveyor.compute.TaskObservation;
import software.amazon.awssdk.services.batch.model.AttemptDetail;
import software.amazon.awssdk.services.batch.model.JobDetail;
import software.amazon.awssdk.services.batch.model.JobStatus;
import software.amazon.awssdk.services.batch.model.JobSummary;

import java.time.Instant;
import java.util.List;

/**
 * AWS Batch's job states in the SPI's words. SUBMITTED…STARTING are QUEUED; RUNNING; SUCCEEDED and
 * FAILED are ENDED with the container's exit code and reason. A host taken away
 * ({@code Host EC2 (instance …) terminated.}: spot reclaim) is an infrastructure ending, retried by
 * the engine without charging the task's retries. Container reasons that no new attempt can change
 * ({@code CannotPullContainerError}: the image does not exist or cannot be reached with the job's
 * credentials) are terminal: the task fails at once with the reason, even with retries left. So is a job its queue's
 * {@code jobStateTimeLimitActions} cancelled for waiting RUNNABLE too long ({@code Terminated by JobStateTimeLimit action
 * due to reason: CAPACITY:…}): the operator set how long a job may wait there, and another attempt would wait it again.
 */
final class Observations {
    static final String HOST_LOST = "Host EC2";
    static final String TIMED_OUT = "Job attempt duration exceeded timeout";
    /** How AWS Batch words the end of a job its queue's jobStateTimeLimitActions cancelled. */
    static final String QUEUE_TIME_LIMIT = "Terminated by JobStateTimeLimit action";
    /** Container reasons after which a retry would end the same way. */
    static final List<String> TERMINAL = List.of("CannotPullContainerError");
    private Observations() {
    }

    static TaskObservation of(JobDetail d, String logGroup) {
        String container = d.container() == null ? null : d.container().reason();
        Integer exit = d.container() == null ? null : d.container().exitCode();
        String stream = d.container() == null ? null : d.container().logStreamName();
        String attemptReason = lastAttemptReason(d.attempts());
        TaskObservation o = of(d.status(), d.statusReason(), attemptReason, container, exit, d.startedAt(), d.stoppedAt());
        return stream == null || stream.isBlank() ? o : o.withLogRef("cloudwatch:" + logGroup + "/" + stream);
    }

    static TaskObservation of(JobSummary s) {
        String container = s.container() == null ? null : s.container().reason();
        Integer exit = s.container() == null ? null : s.container().exitCode();
        return of(s.status(), s.statusReason(), null, container, exit, s.startedAt(), s.stoppedAt());
    }

    private static TaskObservation of(JobStatus status, String statusReason, String attemptReason, String containerReason,
                                      Integer exit, Long startedAt, Long stoppedAt) {
        Instant started = startedAt == null ? null : Instant.ofEpochMilli(startedAt);
        Instant stopped = stoppedAt == null ? null : Instant.ofEpochMilli(stoppedAt);
        if (status == null) {
            return TaskObservation.queued();
        }
        switch (status) {
            case RUNNING:
                return TaskObservation.running(started);
            case SUCCEEDED:
                return TaskObservation.ended(exit == null ? 0 : exit, null, started, stopped);
            case FAILED: {
                if (startsWith(statusReason, QUEUE_TIME_LIMIT)) { // it never started: waited as long as its queue allows
                    return TaskObservation.ended(exit, "its job queue stopped its wait in RUNNABLE (jobStateTimeLimitActions): "
                            + statusReason, started, stopped).withTerminal();
                }
                String reason = containerReason != null ? containerReason : statusReason;
                if (containerReason != null && statusReason != null && !statusReason.startsWith("Essential container")
                        && !statusReason.equals(containerReason)) {
                    reason = statusReason + ": " + containerReason;
                }
                TaskObservation o = TaskObservation.ended(exit, reason, started, stopped);
                if (startsWith(statusReason, HOST_LOST) || startsWith(attemptReason, HOST_LOST)) {
                    o = o.withInfrastructure();
                }
                if (startsWith(statusReason, TIMED_OUT) || startsWith(attemptReason, TIMED_OUT)) {
                    o = o.withTimedOut();
                }
                if (!o.infrastructure() && TERMINAL.stream().anyMatch(t -> startsWith(containerReason, t))) {
                    o = o.withTerminal();
                }
                return o;
            }
            default: // what AWS says a waiting job waits for; not the reason a retried one's last attempt ended
                return TaskObservation.queued(waitingFor(statusReason) ? statusReason : null);
        }
    }

    /**
     * The wrapper cannot have run (so it uploaded no logs): the container never started (a reason
     * and no exit code, e.g. CannotPullContainerError), was killed for memory, or the bootstrap could
     * not fetch the wrapper (exit 96).
     */
    static boolean wrapperNeverRan(Integer exit, String containerReason) {
        return (exit == null && containerReason != null) || (exit != null && exit == 96)
                || (containerReason != null && containerReason.startsWith("OutOfMemory"));
    }

    /** One of the reasons AWS Batch gives a RUNNABLE job that blocks its queue (capacity, misconfiguration). */
    private static boolean waitingFor(String statusReason) {
        return startsWith(statusReason, "CAPACITY:") || startsWith(statusReason, "MISCONFIGURATION:")
                || startsWith(statusReason, "ACTION_REQUIRED");
    }

    /**
     * AWS Batch's own word that a RUNNABLE job can never start as things are: the {@code statusReason} it sets on the job
     * that blocks the head of its queue — {@code MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT} (memory or GPUs no instance
     * type of the queue's environments has), {@code …COMPUTE_ENVIRONMENT_MAX_RESOURCE}, {@code …SERVICE_ROLE_PERMISSIONS},
     * {@code ACTION_REQUIRED} (every environment INVALID). Not {@code CAPACITY:…}: capacity may come. Empty otherwise.
     */
    static java.util.Optional<String> blocked(String statusReason) {
        return startsWith(statusReason, "MISCONFIGURATION:") || startsWith(statusReason, "ACTION_REQUIRED")
                ? java.util.Optional.of("AWS Batch keeps it RUNNABLE: " + statusReason) : java.util.Optional.empty();
    }

    static boolean queued(JobStatus s) {
        return s == JobStatus.SUBMITTED || s == JobStatus.PENDING || s == JobStatus.RUNNABLE;
    }

    static boolean active(JobStatus s) {
        return s != JobStatus.SUCCEEDED && s != JobStatus.FAILED;
    }

    private static String lastAttemptReason(List<AttemptDetail> attempts) {
        return attempts == null || attempts.isEmpty() ? null : attempts.get(attempts.size() - 1).statusReason();
    }

    private static boolean startsWith(String s, String prefix) {
        return s != null && s.startsWith(prefix);
    }
}
