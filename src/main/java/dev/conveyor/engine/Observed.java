package dev.conveyor.engine;

import dev.conveyor.compute.TaskObservation;

/**
 * What the backend said about an attempt, plus whether the task wrapper's report (exit code,
 * logs, values, outputs) is in the object store — then {@code observation}'s exit code is the
 * command's own, taken from the report.
 */
public record Observed(TaskObservation observation, boolean reported) {
    public static Observed of(TaskObservation observation) {
        return new Observed(observation, false);
    }
}
