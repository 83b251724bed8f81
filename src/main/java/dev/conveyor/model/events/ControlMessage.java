package dev.conveyor.model.events;

import java.time.Instant;

/** On {@code conveyor.control}, key = job id: an instruction about a job (today: cancel it). */
public record ControlMessage(String jobId, String action, String reason, Instant time) {
    public static final String CANCEL = "cancel";

    public static ControlMessage cancel(String jobId, String reason) {
        return new ControlMessage(jobId, CANCEL, reason, Instant.now());
    }
}
