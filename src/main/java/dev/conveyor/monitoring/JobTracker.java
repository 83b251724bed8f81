package dev.conveyor.monitoring;

import dev.conveyor.compute.AttemptRecord;
import dev.conveyor.compute.ComputeJob;
import dev.conveyor.compute.TaskStatus;
import dev.conveyor.dispatch.ComputeJobs;
import dev.conveyor.model.JobSpec;
import dev.conveyor.model.JobState;
import dev.conveyor.model.TaskState;
import dev.conveyor.model.events.JobCompleted;
import dev.conveyor.model.events.JobDispatched;
import dev.conveyor.model.events.JobStatusEvent;
import dev.conveyor.model.events.JobStatusEvent.TaskCounts;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What monitoring knows about one running job: the last state seen of each task. Each poll is
 * turned into the status events for what changed and, once every task has ended, the completion.
 * Plain and single-threaded: the stage calls it from one poll at a time per job.
 */
public final class JobTracker {
    private static final String STAGE = "monitoring";

    private final JobDispatched dispatched;
    /** What the provider is polled with; built once, not on every poll (10,000-task jobs). */
    private final ComputeJob computeJob;
    private final Map<String, String> lastSeen = new HashMap<>();
    private boolean announcedRunning;

    public JobTracker(JobDispatched dispatched) {
        this.dispatched = dispatched;
        this.computeJob = ComputeJobs.of(dispatched.job());
    }

    public ComputeJob computeJob() {
        return computeJob;
    }

    public JobSpec job() {
        return dispatched.job();
    }

    /** When the job-level timeout expires, or null when it has none. */
    public Instant deadline() {
        long t = job().timeoutSeconds();
        return t > 0 ? dispatched.dispatchedAt().plusSeconds(t) : null;
    }

    public record Step(List<JobStatusEvent> events, Optional<JobCompleted> completed) {
    }

    /** Why the job was stopped before its tasks ended on their own: a timeout or a cancel. */
    public record Stop(JobState state, String reason) {
    }

    /** @param stop set when the job-level timeout or a cancel stopped the job, else null */
    public Step update(List<TaskStatus> tasks, Instant now, Stop stop) {
        List<JobStatusEvent> events = new ArrayList<>();
        TaskCounts counts = counts(tasks);
        if (!announcedRunning) {
            announcedRunning = true;
            events.add(new JobStatusEvent(job().id(), STAGE, "RUNNING", null, null,
                    "watching " + tasks.size() + " tasks on " + dispatched.provider(), counts, now));
        }
        for (TaskStatus t : tasks) {
            AttemptRecord last = t.lastAttempt();
            int attempt = last == null ? 0 : last.attempt();
            String signature = t.state() + "#" + attempt;
            if (signature.equals(lastSeen.put(t.taskId(), signature))) {
                continue;
            }
            if (t.state() == TaskState.PENDING && attempt == 0) {
                continue; // not news: every task starts pending
            }
            String state = t.state() == TaskState.PENDING ? "RETRYING" : t.state().name();
            events.add(new JobStatusEvent(job().id(), STAGE, state, t.taskId(), attempt == 0 ? null : attempt,
                    t.reason(), counts, now));
        }
        boolean allEnded = tasks.stream().allMatch(t -> t.state().terminal());
        if (!allEnded) {
            return new Step(events, Optional.empty());
        }
        JobState state = stop != null ? stop.state() : finalState(tasks);
        String reason = stop != null ? stop.reason() : reason(tasks, state);
        Instant started = tasks.stream().flatMap(t -> t.attempts().stream()).map(AttemptRecord::startedAt)
                .filter(java.util.Objects::nonNull).min(Instant::compareTo).orElse(null);
        JobCompleted completed = new JobCompleted(job().id(), job().name(), state, reason, List.of(), job(),
                List.copyOf(tasks), job().submittedAt(), started, now);
        return new Step(events, Optional.of(completed));
    }

    static JobState finalState(List<TaskStatus> tasks) {
        if (tasks.stream().anyMatch(t -> t.state() == TaskState.FAILED)) {
            return JobState.FAILED;
        }
        if (tasks.stream().anyMatch(t -> t.state() == TaskState.TIMED_OUT)) {
            return JobState.TIMED_OUT;
        }
        if (tasks.stream().anyMatch(t -> t.state() == TaskState.CANCELLED)) {
            return JobState.CANCELLED;
        }
        if (tasks.stream().anyMatch(t -> t.state() == TaskState.SKIPPED)) {
            return JobState.FAILED;
        }
        return JobState.SUCCEEDED;
    }

    private static String reason(List<TaskStatus> tasks, JobState state) {
        if (state == JobState.SUCCEEDED) {
            return null;
        }
        return tasks.stream()
                .filter(t -> t.state() != TaskState.SUCCEEDED && t.state() != TaskState.SKIPPED)
                .findFirst()
                .map(t -> "task '" + t.taskId() + "' " + t.state() + (t.reason() == null ? "" : ": " + t.reason()))
                .orElse("tasks were skipped");
    }

    static TaskCounts counts(List<TaskStatus> tasks) {
        int pending = 0, running = 0, succeeded = 0, failed = 0, skipped = 0;
        for (TaskStatus t : tasks) {
            switch (t.state()) {
                case PENDING -> pending++;
                case RUNNING -> running++;
                case SUCCEEDED -> succeeded++;
                case SKIPPED -> skipped++;
                default -> failed++;
            }
        }
        return new TaskCounts(tasks.size(), pending, running, succeeded, failed, skipped);
    }
}
