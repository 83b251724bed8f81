package dev.conveyor.model;

/** Lifecycle of one task (one attempt chain) as every provider reports it. */
public enum TaskState {
    /** Known to the provider, waiting for its dependencies or a free slot. */
    PENDING,
    RUNNING,
    SUCCEEDED,
    FAILED,
    TIMED_OUT,
    /** Not run because an upstream task did not succeed. */
    SKIPPED,
    CANCELLED;

    public boolean terminal() {
        return this != PENDING && this != RUNNING;
    }
}
