package dev.conveyor.compute.local;

import dev.conveyor.compute.AttemptRecord;
import dev.conveyor.model.TaskState;

import java.time.Instant;
import java.util.Optional;

/**
 * The one place that decides whether a task gets another attempt, and when. No backoff yet: a
 * retry may start at once (when a slot is free); a backoff only has to change {@link #nextAttempt}.
 */
final class RetryPolicy {

    /**
     * @param last       the attempt that just ended
     * @param maxRetries the task's extra attempts after a failure
     * @param retryable  false when another attempt cannot do better (e.g. an invalid input path)
     * @return when the next attempt may start, or empty when the task ends with {@code last}'s state
     */
    Optional<Instant> nextAttempt(AttemptRecord last, int maxRetries, boolean retryable, Instant now) {
        boolean failed = last.state() == TaskState.FAILED || last.state() == TaskState.TIMED_OUT;
        if (!failed || !retryable || last.attempt() >= maxRetries + 1) {
            return Optional.empty();
        }
        return Optional.of(now);
    }
}
