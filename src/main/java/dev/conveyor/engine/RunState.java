package dev.conveyor.engine;

import dev.conveyor.model.JobState;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything the engine knows about one running job: which tasks were released, with which
 * backend handles and attempt numbers. Persisted ({@link RunStore}) before a stage acknowledges
 * its input, so a restarted or rebalanced instance resumes it without resubmitting anything.
 */
public final class RunState {
    public String jobId;
    /** Incremented on every save; a save of a version that exists already loses (another owner moved on). */
    public long version;
    public String backend;
    public Instant startedAt;
    /** The job's wall-clock limit, or null. */
    public Instant deadline;
    /** What {@code ensureEnvironment} returned. */
    public Map<String, String> environment = new LinkedHashMap<>();
    /** Set when the whole job was stopped (cancel, job timeout): its final state and why. */
    public JobState stop;
    public String stopReason;
    /** Tasks in the job's order. */
    public Map<String, TaskRun> tasks = new LinkedHashMap<>();
    /** Set once every task is DONE. */
    public JobState finalState;
    public String finalReason;
    public Instant endedAt;

    public boolean ended() {
        return finalState != null;
    }

    public TaskRun task(String taskId) {
        TaskRun t = tasks.get(taskId);
        if (t == null) {
            throw new IllegalArgumentException("no task " + taskId + " in job " + jobId);
        }
        return t;
    }
}
