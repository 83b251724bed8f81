package dev.conveyor.messaging;

/** Channel names (not topic names: those are config, mapped in application.properties). */
public final class Channels {
    public static final String REQUESTS = "requests";
    public static final String SUBMITTED_OUT = "submitted-out";
    public static final String SUBMITTED_IN = "submitted-in";
    public static final String STAGED_OUT = "staged-out";
    public static final String STAGED_IN = "staged-in";
    public static final String DISPATCHED_OUT = "dispatched-out";
    public static final String DISPATCHED_IN = "dispatched-in";
    public static final String COMPLETED_OUT = "completed-out";
    public static final String COMPLETED_IN = "completed-in";
    public static final String RESULTS = "results";
    public static final String STATUS = "status";
    public static final String CONTROL = "control";

    private Channels() {
    }
}
