package dev.conveyor.model.events;

import java.time.Instant;

/**
 * Progress on {@code conveyor.status}. {@code task} is set for task-level events; {@code counts}
 * summarises the job's tasks when known.
 */
public record JobStatusEvent(
        String jobId,
        String stage,
        String state,
        String task,
        Integer attempt,
        String message,
        TaskCounts counts,
        Instant time) {

    public record TaskCounts(int total, int pending, int running, int succeeded, int failed, int skipped) {
    }

    public static JobStatusEvent job(String jobId, String stage, String state, String message) {
        return new JobStatusEvent(jobId, stage, state, null, null, message, null, Instant.now());
    }

    /** "1 task", "3 tasks": for messages. */
    public static String tasks(int n) {
        return n + (n == 1 ? " task" : " tasks");
    }
}
