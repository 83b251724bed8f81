package dev.conveyor.model.events;

import dev.conveyor.compute.TaskStatus;
import dev.conveyor.model.JobSpec;
import dev.conveyor.model.JobState;
import dev.conveyor.model.Problem;

import java.time.Instant;
import java.util.List;

/**
 * → collection: the job has ended (or never could start). Every path to a result goes through
 * this event, so collection is the one place results are published.
 *
 * @param job       the normalised job; null when the request was rejected before normalisation
 * @param problems  what was wrong with a REJECTED request
 * @param tasks     final task states (empty when nothing ran)
 */
public record JobCompleted(
        String jobId,
        String name,
        JobState state,
        String reason,
        List<Problem> problems,
        JobSpec job,
        List<TaskStatus> tasks,
        Instant submittedAt,
        Instant startedAt,
        Instant finishedAt) {

    public static JobCompleted rejected(String jobId, List<Problem> problems, Instant at) {
        return new JobCompleted(jobId, jobId, JobState.REJECTED,
                problems.size() + (problems.size() == 1 ? " problem" : " problems") + " in the request",
                problems, null, List.of(), at, null, at);
    }

    public static JobCompleted failedBeforeRun(JobSpec job, JobState state, String reason, Instant at) {
        return new JobCompleted(job.id(), job.name(), state, reason, List.of(), job, List.of(),
                job.submittedAt(), null, at);
    }
}
