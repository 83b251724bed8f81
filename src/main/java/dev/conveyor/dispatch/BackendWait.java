package dev.conveyor.dispatch;

import dev.conveyor.retry.CallPolicy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How long dispatch waits for a backend whose API stays away beyond the backend's policy: a Batch service that is down
 * for a quarter of an hour should cost its jobs a quarter of an hour, not their runs. A failure that may pass
 * ({@link CallPolicy#isTransient}: unreachable, 5xx, throttling) lets the job's record be held and tried again until
 * {@code window} has passed since the first such failure of the job here; then, and on any failure that will not pass
 * (refused credentials, a request the backend rejects), the job fails at once as before. A window of zero waits for
 * nothing (the job fails once the policy gives up).
 */
final class BackendWait {
    /** Beyond this many jobs waiting, the oldest marks (of records handed to another instance) are dropped. */
    private static final int MAX_MARKS = 100_000;

    private final Duration window;
    private final Clock clock;
    /** When each waiting job's backend first stayed away (removed once the job is dispatched or failed). */
    private final Map<String, Instant> since = new ConcurrentHashMap<>();

    BackendWait(Duration window, Clock clock) {
        this.window = window;
        this.clock = clock;
    }

    /**
     * Whether {@code jobId}'s dispatch, which failed with {@code failure}, may wait for the backend (its record held):
     * null when not; else until when, and whether this is the job's first wait (the one a user is told of).
     */
    Waiting mayWait(String jobId, Throwable failure) {
        if (window.isZero() || !CallPolicy.isTransient(CallPolicy.failureOf(failure))) {
            since.remove(jobId);
            return null;
        }
        Instant now = clock.instant();
        if (since.size() >= MAX_MARKS) {
            since.values().removeIf(first -> first.plus(window.multipliedBy(2)).isBefore(now));
        }
        Instant first = since.computeIfAbsent(jobId, k -> now);
        if (first.plus(window).isAfter(now)) {
            return new Waiting(first.plus(window), first.equals(now));
        }
        since.remove(jobId);
        return null;
    }

    /** A job that waits for its backend: until when at most, and whether it has just begun to. */
    record Waiting(Instant until, boolean first) {
    }

    /** The job was dispatched or failed: a later failure of it starts a new wait. */
    void done(String jobId) {
        since.remove(jobId);
    }

    Duration window() {
        return window;
    }

    int waiting() {
        return since.size();
    }
}
