package dev.conveyor.retry;

/**
 * Told about every attempt a {@link CallPolicy} makes (for metrics). Must be cheap and never throw.
 */
@FunctionalInterface
public interface CallObserver {
    /** An outcome of one attempt. */
    enum Outcome { OK, THROTTLED, ERROR }

    CallObserver NONE = (policy, operation, outcome) -> { };

    void attempted(String policy, String operation, Outcome outcome);
}
