package dev.conveyor.compute;

import dev.conveyor.model.TaskState;

import java.util.List;

/**
 * What a provider knows about one task right now.
 *
 * @param attempts    finished attempts plus the running one (last), oldest first
 * @param outputKeys  object-store keys of uploaded output files (set once terminal)
 * @param reason      why the task is in this state, for FAILED/TIMED_OUT/SKIPPED/CANCELLED
 */
public record TaskStatus(
        String taskId,
        TaskState state,
        Integer exitCode,
        String reason,
        List<AttemptRecord> attempts,
        List<String> outputKeys) {

    public AttemptRecord lastAttempt() {
        return attempts.isEmpty() ? null : attempts.get(attempts.size() - 1);
    }
}
