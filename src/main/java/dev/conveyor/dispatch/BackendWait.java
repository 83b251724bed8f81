package dev.conveyor.dispatch;

import dev.conveyor.retry.CallPolicy;
import dev.conveyor.retry.TroubleWindow;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * How long dispatch waits for a backend whose API stays away beyond the backend's policy: a Batch service that is down
 * for a quarter of an hour should cost its jobs a quarter of an hour, not their runs. A failure that may pass
 * ({@link CallPolicy#isTransient}: unreachable, 5xx, throttling) lets the job's record be held and tried again until
 * {@code window} has passed since the first such failure of the job here; then, and on any failure that will not pass
 * (refused credentials, a request the backend rejects), the job fails at once as before. A window of zero waits for
 * nothing (the job fails once the policy gives up).
 */
final class BackendWait {
    private final TroubleWindow trouble;

    BackendWait(Duration window, Clock clock) {
        this.trouble = new TroubleWindow(window, clock);
    }

    /**
     * Whether {@code jobId}'s dispatch, which failed with {@code failure}, may wait for the backend (its record held):
     * null when not; else until when, and whether this is the job's first wait (the one a user is told of).
     */
    Waiting mayWait(String jobId, Throwable failure) {
        if (!CallPolicy.isTransient(CallPolicy.failureOf(failure))) {
            trouble.over(jobId);
            return null;
        }
        return trouble.failed(jobId).map(t -> new Waiting(t.since().plus(trouble.window()), t.isNew())).orElse(null);
    }

    /** A job that waits for its backend: until when at most, and whether it has just begun to. */
    record Waiting(Instant until, boolean first) {
    }

    /** The job was dispatched or failed: a later failure of it starts a new wait. */
    void done(String jobId) {
        trouble.over(jobId);
    }

    Duration window() {
        return trouble.window();
    }

    int waiting() {
        return trouble.size();
    }
}
