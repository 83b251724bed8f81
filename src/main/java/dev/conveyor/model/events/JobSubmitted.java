package dev.conveyor.model.events;

import java.time.Instant;

/**
 * submission → staging: an accepted job. A claim check: the normalised spec is in the object store
 * at {@code specKey} (its SHA-256 is {@code specHash}); the event stays small however big the job.
 *
 * @param request the request record it came from ("topic/partition/offset@timestamp")
 */
public record JobSubmitted(String jobId, String name, String specKey, String specHash, int tasks, String runsOn,
                           String request, Instant submittedAt) {
}
