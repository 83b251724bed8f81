package dev.conveyor.model;

/** Final status of a job, as carried by the result. */
public enum JobState {
    SUCCEEDED, FAILED, TIMED_OUT, CANCELLED, REJECTED
}
