package dev.conveyor.staging;

import dev.conveyor.retry.TransientFailure;

/**
 * An input could not be staged; the job fails with this message as its reason — at once, or, when the
 * failure may pass (a source that answered 5xx, 429 or 408, could not be reached, or broke off while it was
 * read), after the stage's retries.
 */
public class StagingException extends Exception implements TransientFailure {
    private final boolean transientFailure;

    public StagingException(String message, Throwable cause) {
        this(message, cause, false);
    }

    public StagingException(String message) {
        this(message, null, false);
    }

    /** @param transientFailure whether trying again may help */
    public StagingException(String message, Throwable cause, boolean transientFailure) {
        super(message, cause);
        this.transientFailure = transientFailure;
    }

    @Override
    public boolean isTransient() {
        return transientFailure;
    }
}
