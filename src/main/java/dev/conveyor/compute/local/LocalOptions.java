package dev.conveyor.compute.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link LocalComputeProvider}.
 *
 * @param dataDir   where jobs, working directories and attempt state live ({@code dataDir/jobs/<jobId>/})
 * @param slots     how many task processes may run at once across all jobs
 * @param killGrace time between SIGTERM and SIGKILL when a process tree is stopped
 * @param tick      how often the scheduler looks at running and pending tasks
 * @param retryBackoff    wait before the first retry; doubled for each further one
 * @param retryBackoffMax the longest wait between attempts
 */
public record LocalOptions(Path dataDir, int slots, Duration killGrace, Duration tick,
                           Duration retryBackoff, Duration retryBackoffMax) {
    public static final Duration DEFAULT_KILL_GRACE = Duration.ofSeconds(2);
    public static final Duration DEFAULT_TICK = Duration.ofMillis(150);
    public static final Duration DEFAULT_RETRY_BACKOFF = Duration.ofSeconds(1);
    public static final Duration DEFAULT_RETRY_BACKOFF_MAX = Duration.ofSeconds(60);

    public LocalOptions {
        Objects.requireNonNull(dataDir, "dataDir");
        if (slots < 1) {
            throw new IllegalArgumentException("slots must be at least 1, was " + slots);
        }
        killGrace = killGrace == null ? DEFAULT_KILL_GRACE : killGrace;
        tick = tick == null ? DEFAULT_TICK : tick;
        retryBackoff = retryBackoff == null ? DEFAULT_RETRY_BACKOFF : retryBackoff;
        retryBackoffMax = retryBackoffMax == null ? DEFAULT_RETRY_BACKOFF_MAX : retryBackoffMax;
        if (killGrace.isNegative() || tick.isNegative() || tick.isZero()) {
            throw new IllegalArgumentException("killGrace must be >= 0 and tick > 0");
        }
        dataDir = dataDir.toAbsolutePath().normalize();
    }

    public LocalOptions(Path dataDir, int slots, Duration killGrace, Duration tick) {
        this(dataDir, slots, killGrace, tick, DEFAULT_RETRY_BACKOFF, DEFAULT_RETRY_BACKOFF_MAX);
    }

    public LocalOptions(Path dataDir, int slots) {
        this(dataDir, slots, DEFAULT_KILL_GRACE, DEFAULT_TICK);
    }
}
