package dev.conveyor.compute;

import dev.conveyor.model.TaskState;

import java.time.Instant;

/** One attempt of a task: how it ended and when. {@code exitCode} is null when there was none (killed, lost). */
public record AttemptRecord(
        int attempt,
        TaskState state,
        Integer exitCode,
        String reason,
        Instant startedAt,
        Instant finishedAt,
        String stdoutKey,
        String stderrKey) {
}
