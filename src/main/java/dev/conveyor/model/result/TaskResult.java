package dev.conveyor.model.result;

import dev.conveyor.model.TaskState;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** One task in a result: its outcome, every attempt, the tail of its logs, its output files and values. */
public record TaskResult(
        String id,
        TaskState status,
        Integer exitCode,
        String reason,
        int attemptCount,
        List<Attempt> attempts,
        Instant startedAt,
        Instant finishedAt,
        Long durationMs,
        String stdoutTail,
        String stderrTail,
        Logs logs,
        List<OutputFile> outputs,
        Map<String, String> values) {

    public record Attempt(int attempt, TaskState status, Integer exitCode, String reason,
                          Instant startedAt, Instant finishedAt, Logs logs) {
    }

    public record Logs(String stdout, String stderr) {
    }

    public record OutputFile(String path, String uri, long size) {
    }
}
