package dev.conveyor.compute;

/** A provider failure; {@link #transientFailure()} says whether retrying the same call may succeed. */
public class ComputeException extends RuntimeException {
    private final boolean transientFailure;

    public ComputeException(String message, boolean transientFailure, Throwable cause) {
        super(message, cause);
        this.transientFailure = transientFailure;
    }

    public ComputeException(String message, boolean transientFailure) {
        this(message, transientFailure, null);
    }

    public boolean transientFailure() {
        return transientFailure;
    }
}
