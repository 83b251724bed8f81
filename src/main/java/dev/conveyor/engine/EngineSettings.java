package dev.conveyor.engine;

import java.time.Duration;

/**
 * How the engine paces a job.
 *
 * @param retryBackoff          wait before a failed task's first retry; doubled for each further one
 * @param retryBackoffMax       longest wait between two attempts
 * @param retryJitter           ± this fraction of the wait, so retried cells do not stampede
 * @param infrastructureRetries attempts lost to infrastructure (preemption, spot interruption, a
 *                              vanished process) retried without charging the task's own retries
 * @param timeoutGrace          how long past an attempt's time limit the engine waits for the
 *                              backend to stop it before stopping it itself; and how long an attempt
 *                              saved SUBMITTING stays the saving instance's before another recovers it
 *                              (that instance sends it only within the first two thirds)
 * @param urlMargin             signed URLs handed to a task stay valid this long past the job's deadline
 * @param urlMaxValidity        and never longer than this from when they are made
 */
public record EngineSettings(Duration retryBackoff, Duration retryBackoffMax, double retryJitter,
                             int infrastructureRetries, Duration timeoutGrace, Duration urlMargin,
                             Duration urlMaxValidity) {
    public static final EngineSettings DEFAULT = new EngineSettings(Duration.ofSeconds(1), Duration.ofSeconds(60), 0.1,
            3, Duration.ofSeconds(30), Duration.ofHours(1), Duration.ofDays(7));

    public EngineSettings withRetryBackoff(Duration backoff, Duration max) {
        return new EngineSettings(backoff, max, retryJitter, infrastructureRetries, timeoutGrace, urlMargin, urlMaxValidity);
    }

    public EngineSettings withTimeoutGrace(Duration grace) {
        return new EngineSettings(retryBackoff, retryBackoffMax, retryJitter, infrastructureRetries, grace, urlMargin, urlMaxValidity);
    }

    /** Wait after the {@code n}-th charged failure (1-based), before jitter. */
    public Duration backoffAfter(int n) {
        Duration d = retryBackoff;
        for (int i = 1; i < n && d.compareTo(retryBackoffMax) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(retryBackoffMax) > 0 ? retryBackoffMax : d;
    }
}
