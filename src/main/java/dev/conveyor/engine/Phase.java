package dev.conveyor.engine;

/** Where a task stands in the engine's own lifecycle (its public {@code TaskState} is separate). */
public enum Phase {
    /** Waiting for its upstream tasks, a free cell of its matrix group, or its retry time. */
    WAITING,
    /** Released: its attempt is being submitted (persisted before the submit call, so a crash is recovered). */
    SUBMITTING,
    /** Submitted: the backend has it (queued or running) under {@link TaskRun#handle}. */
    ACTIVE,
    /** Ended for good: {@link TaskRun#state} is terminal. */
    DONE
}
