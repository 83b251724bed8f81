package dev.conveyor.model.events;

import dev.conveyor.model.JobSpec;

/** submission → staging: an accepted, normalised job. {@code source} names the request record. */
public record JobSubmitted(JobSpec job, String source) {
}
