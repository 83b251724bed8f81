package dev.conveyor.emulator.aws;

/** AWS Batch job states, in lifecycle order. */
enum JobStatus {
    SUBMITTED, PENDING, RUNNABLE, STARTING, RUNNING, SUCCEEDED, FAILED;

    boolean terminal() {
        return this == SUCCEEDED || this == FAILED;
    }

    /** States CancelJob still acts on; from STARTING on only TerminateJob stops a job. */
    boolean cancellable() {
        return this == SUBMITTED || this == PENDING || this == RUNNABLE;
    }
}
