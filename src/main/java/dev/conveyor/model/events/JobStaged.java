package dev.conveyor.model.events;

import java.time.Instant;

/** staging → dispatch: every input is in the object store. The spec is at {@code specKey}. */
public record JobStaged(String jobId, String specKey, String specHash, String request, Instant stagedAt) {
}
