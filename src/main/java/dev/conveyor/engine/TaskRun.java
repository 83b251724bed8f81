package dev.conveyor.engine;

import dev.conveyor.model.TaskState;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The engine's record of one task while its job runs. Mutable, owned by one {@link Scheduler}
 * step at a time; persisted with the job's {@link RunState}.
 */
public final class TaskRun {
    public Phase phase = Phase.WAITING;
    /** Public state: PENDING until an attempt runs, RUNNING, then terminal once DONE. */
    public TaskState state = TaskState.PENDING;
    /** Number of the current (or last) attempt; 0 before the first one. */
    public int attempt;
    /** Attempts that count against the task's retries (infrastructure failures do not). */
    public int charged;
    /** Attempts retried for infrastructure reasons. */
    public int infrastructureRetries;
    /** The backend's reference of the current attempt. */
    public String handle;
    public Instant submittingSince;
    /** The earliest start of the next attempt (retry backoff). */
    public Instant notBefore;
    /** When the current attempt started running (null while queued). */
    public Instant startedAt;
    /** What the backend last said the current attempt waits for while queued (e.g. capacity), or null. */
    public String waitingFor;
    /** Set when the engine asked the backend to stop the current attempt: the state it ends in. */
    public TaskState stopping;
    public String stopReason;
    /** Whether the terminate call for {@link #stopping} went through (else it is sent again). */
    public boolean stopSent;
    /** Terminal details once DONE. */
    public Integer exitCode;
    public String reason;
    public List<Attempt> attempts = new ArrayList<>();

    public Attempt lastAttempt() {
        return attempts.isEmpty() ? null : attempts.get(attempts.size() - 1);
    }
}
