package dev.conveyor.engine;

import dev.conveyor.model.TaskState;

import java.time.Instant;
import java.util.List;

/**
 * What one {@link Scheduler} step decided.
 *
 * @param launches  attempts to submit now (their tasks are SUBMITTING, attempt numbers assigned)
 * @param stops     running attempts to terminate
 * @param events    what changed, task by task, for the status topic
 * @param changed   whether the run state changed (and must be saved)
 * @param nextWake  the earliest time something is due without news from the backend (a retry, a
 *                  time limit), or null
 */
public record Step(List<Launch> launches, List<Stop> stops, List<TaskEvent> events, boolean changed, Instant nextWake) {

    public record Launch(String taskId, int attempt) {
    }

    public record Stop(String taskId, String handle, String reason) {
    }

    /** A task's new state; {@code retrying} when a failed attempt will be followed by another. */
    public record TaskEvent(String taskId, TaskState state, int attempt, String reason, boolean retrying) {
    }
}
