package dev.conveyor.compute;

import java.time.Instant;

/**
 * What a backend says about one attempt right now.
 *
 * @param exitCode       the process's exit code once ENDED (null when there was none: killed, never ran)
 * @param reason         the backend's own words for how it ended or why it waits (status reason, failure info)
 * @param infrastructure the attempt ended for reasons that are not the task's (spot / low-priority
 *                       preemption, node lost, host EC2 terminated): the engine retries it without
 *                       charging the task's retries
 * @param timedOut       the backend stopped it at its time limit
 * @param logRef         where the backend keeps its own log of it (an AWS log stream, an Azure node
 *                       file path), for the result; null if none
 * @param terminal       no new attempt can end differently (the image cannot be pulled, the
 *                       container cannot be created from the task's definition): the engine fails the
 *                       task at once, whatever retries it has left
 */
public record TaskObservation(Phase phase, Integer exitCode, String reason, Instant startedAt, Instant endedAt,
                              boolean infrastructure, boolean timedOut, String logRef, boolean terminal) {

    public TaskObservation(Phase phase, Integer exitCode, String reason, Instant startedAt, Instant endedAt,
                           boolean infrastructure, boolean timedOut, String logRef) {
        this(phase, exitCode, reason, startedAt, endedAt, infrastructure, timedOut, logRef, false);
    }

    public enum Phase {
        /** Accepted, not started yet (queued, waiting for a node, pulling the image). */
        QUEUED,
        RUNNING,
        ENDED,
        /** The backend does not know the attempt (any more): it vanished. */
        LOST
    }

    public static TaskObservation queued() {
        return new TaskObservation(Phase.QUEUED, null, null, null, null, false, false, null);
    }

    /** Queued, and what the backend says it waits for (capacity, a pool still resizing), shown to the user; or null. */
    public static TaskObservation queued(String waitingFor) {
        return new TaskObservation(Phase.QUEUED, null, waitingFor, null, null, false, false, null);
    }

    public static TaskObservation running(Instant startedAt) {
        return new TaskObservation(Phase.RUNNING, null, null, startedAt, null, false, false, null);
    }

    public static TaskObservation ended(Integer exitCode, String reason, Instant startedAt, Instant endedAt) {
        return new TaskObservation(Phase.ENDED, exitCode, reason, startedAt, endedAt, false, false, null);
    }

    public static TaskObservation lost(String reason) {
        return new TaskObservation(Phase.LOST, null, reason, null, null, true, false, null);
    }

    public TaskObservation withInfrastructure() {
        return new TaskObservation(phase, exitCode, reason, startedAt, endedAt, true, timedOut, logRef, terminal);
    }

    public TaskObservation withTimedOut() {
        return new TaskObservation(phase, exitCode, reason, startedAt, endedAt, infrastructure, true, logRef, terminal);
    }

    public TaskObservation withLogRef(String ref) {
        return new TaskObservation(phase, exitCode, reason, startedAt, endedAt, infrastructure, timedOut, ref, terminal);
    }

    public TaskObservation withReason(String why) {
        return new TaskObservation(phase, exitCode, why, startedAt, endedAt, infrastructure, timedOut, logRef, terminal);
    }

    public TaskObservation withTerminal() {
        return new TaskObservation(phase, exitCode, reason, startedAt, endedAt, infrastructure, timedOut, logRef, true);
    }
}
