package dev.conveyor.model.events;

import dev.conveyor.model.JobState;
import dev.conveyor.model.Problem;

import java.time.Instant;
import java.util.List;

/**
 * → collection: the job has ended (or never could start). Every path to a result goes through this
 * event, so collection is the one place results are published. A claim check: the tasks' details
 * are in the engine's saved run state, which collection reads.
 *
 * @param specKey  where the normalised spec is; null when the request was rejected before one existed
 * @param problems what was wrong with a REJECTED request
 * @param request  the request record this answers ("topic/partition/offset@timestamp")
 * @param ran      whether the engine ran the job (then its run state holds every task)
 * @param runVersion the version of that run state the job ended in (collection reads it without listing); null when it did not run
 */
public record JobCompleted(
        String jobId,
        String name,
        JobState state,
        String reason,
        List<Problem> problems,
        String specKey,
        String specHash,
        String request,
        boolean ran,
        Instant submittedAt,
        Instant startedAt,
        Instant finishedAt,
        Long runVersion) {

    public JobCompleted {
        problems = problems == null ? List.of() : problems;
    }

    public static JobCompleted rejected(String jobId, List<Problem> problems, String request, Instant at) {
        return new JobCompleted(jobId, jobId, JobState.REJECTED,
                problems.size() + (problems.size() == 1 ? " problem" : " problems") + " in the request",
                problems, null, null, request, false, at, null, at, null);
    }

    /** The job ended before anything ran (cancelled early, staging or dispatch failed). */
    public static JobCompleted beforeRun(String jobId, String name, String specKey, String specHash, String request,
                                         Instant submittedAt, JobState state, String reason, Instant at) {
        return new JobCompleted(jobId, name, state, reason, List.of(), specKey, specHash, request, false,
                submittedAt != null ? submittedAt : submittedAt(request, at), null, at, null);
    }

    /**
     * When the request was submitted, from its record's reference ({@code …@timestampMillis}) — for a job that ended
     * before its spec, which holds the time, could be read (a result must say when it was submitted); {@code fallback}
     * when the reference carries none.
     */
    static Instant submittedAt(String request, Instant fallback) {
        int at = request == null ? -1 : request.lastIndexOf('@');
        if (at >= 0) {
            try {
                return Instant.ofEpochMilli(Long.parseLong(request.substring(at + 1)));
            } catch (NumberFormatException e) {
                // not a record reference: the fallback
            }
        }
        return fallback;
    }
}
