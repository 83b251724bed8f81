package dev.conveyor.compute.local;

import dev.conveyor.compute.AttemptRecord;
import dev.conveyor.model.TaskState;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The one place that decides whether a task gets another attempt, and when: exponential backoff
 * (the first retry after {@code backoff}, each further one twice as late, at most {@code max}).
 */
final class RetryPolicy {
    private final Duration backoff;
    private final Duration max;

    RetryPolicy(Duration backoff, Duration max) {
        this.backoff = backoff;
        this.max = max;
    }

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
        return Optional.of(now.plus(delayAfter(last.attempt())));
    }

    /** Wait after the {@code attempt}-th attempt failed (1-based). */
    Duration delayAfter(int attempt) {
        Duration delay = backoff;
        for (int i = 1; i < attempt && delay.compareTo(max) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(max) > 0 ? max : delay;
    }
}
