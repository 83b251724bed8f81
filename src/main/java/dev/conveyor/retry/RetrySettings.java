package dev.conveyor.retry;

import java.time.Duration;

/**
 * One retry / backoff / rate-limit policy (per backend, and for stage work): after a transient
 * failure wait {@code initialDelay}, doubling up to {@code maxDelay}, ± {@code jitter} (a fraction),
 * at most {@code maxRetries} times and {@code maxDuration} in all; a Retry-After the service gave
 * is honoured (never retried earlier). {@code ratePerSecond} paces calls (0 = unlimited).
 * Defaults follow Nextflow's Azure/AWS retry settings: 250 ms, 90 s, 10 attempts, jitter 0.25.
 */
public record RetrySettings(int maxRetries, Duration initialDelay, Duration maxDelay, double jitter,
                            Duration maxDuration, int ratePerSecond) {
    public static final RetrySettings DEFAULT = new RetrySettings(10, Duration.ofMillis(250), Duration.ofSeconds(90),
            0.25, Duration.ofMinutes(10), 0);

    public RetrySettings {
        if (maxRetries < 0 || initialDelay.isNegative() || maxDelay.compareTo(initialDelay) < 0 || jitter < 0 || jitter > 1
                || ratePerSecond < 0) {
            throw new IllegalArgumentException("invalid retry settings: " + maxRetries + ", " + initialDelay + ", "
                    + maxDelay + ", jitter " + jitter + ", rate " + ratePerSecond);
        }
    }

    /** For tests: quick retries, no pacing. */
    public static RetrySettings quick(int maxRetries) {
        return new RetrySettings(maxRetries, Duration.ofMillis(10), Duration.ofMillis(200), 0.25, Duration.ofMinutes(1), 0);
    }
}
