package dev.conveyor.model.result;

import dev.conveyor.model.TaskState;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One task in a result: its outcome, every attempt, the tail of its logs, its output files and values.
 *
 * @param outputCount how many output files the task left (the list may be shortened; see the job's
 *                    {@code truncated})
 */
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
        Integer outputCount,
        Map<String, String> values) {

    /**
     * @param handle the backend's id of the attempt (Azure task, AWS job id, local folder)
     * @param logRef the backend's own log (e.g. a CloudWatch log stream), when it has one
     */
    public record Attempt(int attempt, TaskState status, Integer exitCode, String reason,
                          Instant startedAt, Instant finishedAt, Logs logs, String handle, String logRef) {
    }

    public record Logs(String stdout, String stderr) {
    }

    public record OutputFile(String path, String uri, long size) {
    }
}
