package dev.conveyor.compute.local;

import dev.conveyor.compute.AttemptRecord;
import dev.conveyor.compute.ComputeTask;
import dev.conveyor.compute.TaskStatus;
import dev.conveyor.model.TaskState;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** In-memory state of one task. Guarded by the scheduler's lock. */
final class TaskRun {
    final ComputeTask task;
    final List<AttemptRecord> finished = new ArrayList<>();
    /** Whether the last finished attempt may be retried (false for e.g. an invalid input path). */
    boolean lastRetryable = true;
    RunningAttempt running;
    /** Terminal outcome once reached; null while PENDING or RUNNING. */
    JobStore.TaskOutcome outcome;
    /** The earliest time the next attempt may start (retry backoff). */
    Instant notBefore = Instant.EPOCH;
    /** True when the last finished attempt still needs a retry-or-terminal decision. */
    boolean undecided;

    TaskRun(ComputeTask task) {
        this.task = task;
    }

    String id() {
        return task.id();
    }

    TaskState state() {
        if (outcome != null) {
            return outcome.state();
        }
        return running != null ? TaskState.RUNNING : TaskState.PENDING;
    }

    boolean waiting() {
        return outcome == null && running == null && !undecided;
    }

    int nextAttemptNumber() {
        int n = finished.isEmpty() ? 0 : finished.get(finished.size() - 1).attempt();
        return n + 1;
    }

    TaskStatus status() {
        List<AttemptRecord> attempts = new ArrayList<>(finished);
        if (running != null) {
            attempts.add(new AttemptRecord(running.number(), TaskState.RUNNING, null, null, running.startedAt, null, null, null));
        }
        if (outcome != null) {
            return new TaskStatus(id(), outcome.state(), outcome.exitCode(), outcome.reason(), List.copyOf(attempts),
                    outcome.outputKeys() == null ? List.of() : List.copyOf(outcome.outputKeys()));
        }
        return new TaskStatus(id(), state(), null, null, List.copyOf(attempts), List.of());
    }
}
