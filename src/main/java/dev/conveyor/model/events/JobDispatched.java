package dev.conveyor.model.events;

import java.time.Instant;

/**
 * dispatch → monitoring: the backend's environment exists, the engine's run state is saved and the
 * first ready tasks are submitted. The spec is at {@code specKey}.
 *
 * @param runVersion the version of the run state dispatch saved (monitoring reads it without listing); null from older senders
 */
public record JobDispatched(String jobId, String specKey, String specHash, String backend, String request,
                            Instant dispatchedAt, Long runVersion) {
}
