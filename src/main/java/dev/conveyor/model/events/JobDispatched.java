package dev.conveyor.model.events;

import dev.conveyor.model.JobSpec;

import java.time.Instant;

/** dispatch → monitoring: the job and its tasks exist on the compute provider. */
public record JobDispatched(JobSpec job, String provider, Instant dispatchedAt) {
}
