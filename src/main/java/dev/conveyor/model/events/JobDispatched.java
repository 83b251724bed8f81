package dev.conveyor.model.events;

import java.time.Instant;

/**
 * dispatch → monitoring: the backend's environment exists, the engine's run state is saved and the
 * first ready tasks are submitted. The spec is at {@code specKey}.
 */
public record JobDispatched(String jobId, String specKey, String specHash, String backend, String request,
                            Instant dispatchedAt) {
}
