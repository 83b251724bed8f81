package dev.conveyor.compute.local;

/** Inputs could not be placed in the working directory; {@code retryable} false for a bad task spec. */
final class StagingException extends Exception {
    private final boolean retryable;

    StagingException(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    boolean retryable() {
        return retryable;
    }
}
