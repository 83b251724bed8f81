package dev.conveyor.retry;

/**
 * A failure of a kind this package does not know that says itself whether repeating the call may help
 * (an input source that answered 503 or broke off: yes; one that answered 404: no).
 */
public interface TransientFailure {
    boolean isTransient();
}
