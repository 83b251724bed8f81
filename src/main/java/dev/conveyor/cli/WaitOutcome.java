package dev.conveyor.cli;

import dev.conveyor.model.result.JobResult;

/** How waiting for a job ended. */
sealed interface WaitOutcome {

    /** The job's result arrived. */
    record Finished(JobResult result) implements WaitOutcome {
    }

    /** The service refused the request: a job with its id was already accepted (the message says from where). */
    record Duplicate(String message) implements WaitOutcome {
    }

    /** The wait ran out first. */
    record TimedOut() implements WaitOutcome {
    }
}
