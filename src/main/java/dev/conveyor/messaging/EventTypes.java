package dev.conveyor.messaging;

/** CloudEvents {@code type} of each message Conveyor produces. */
public final class EventTypes {
    public static final String SUBMITTED = "dev.conveyor.job.submitted";
    public static final String STAGED = "dev.conveyor.job.staged";
    public static final String DISPATCHED = "dev.conveyor.job.dispatched";
    public static final String COMPLETED = "dev.conveyor.job.completed";
    public static final String RESULT = "dev.conveyor.job.result";
    public static final String STATUS = "dev.conveyor.job.status";

    private EventTypes() {
    }
}
