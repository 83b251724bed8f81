package dev.conveyor.model.events;

import dev.conveyor.model.JobSpec;

import java.time.Instant;

/** staging → dispatch: every input is in the object store. */
public record JobStaged(JobSpec job, Instant stagedAt) {
}
