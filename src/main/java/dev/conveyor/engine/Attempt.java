package dev.conveyor.engine;

import dev.conveyor.model.TaskState;

import java.time.Instant;

/**
 * One finished attempt of a task.
 *
 * @param reported       the task wrapper reported back (exit code, logs, values, outputs are in the store)
 * @param infrastructure it ended for reasons not the task's (preemption, spot interruption, node
 *                       or process lost): retried without charging the task's retries
 * @param logRef         the backend's own log reference (e.g. a CloudWatch log stream), or null
 */
public record Attempt(int attempt, TaskState state, Integer exitCode, String reason, Instant startedAt,
                      Instant endedAt, boolean reported, boolean infrastructure, String handle, String logRef) {
}
