package dev.conveyor.compute.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the {@link LocalComputeBackend}.
 *
 * @param dataDir   where attempt folders live ({@code dataDir/jobs/<jobId>/…}); instances sharing
 *                  it can take over each other's tasks
 * @param slots     how many task processes this instance runs at once
 * @param killGrace time between SIGTERM and SIGKILL when a process tree is stopped
 * @param tick      how often queued attempts are started and running ones checked
 * @param isolation whether tasks get a PID namespace of their own ({@link Isolation})
 */
public record LocalOptions(Path dataDir, int slots, Duration killGrace, Duration tick, Isolation isolation) {
    public static final Duration DEFAULT_KILL_GRACE = Duration.ofSeconds(2);
    public static final Duration DEFAULT_TICK = Duration.ofMillis(100);

    public LocalOptions {
        Objects.requireNonNull(dataDir, "dataDir");
        if (slots < 1) {
            throw new IllegalArgumentException("slots must be at least 1, was " + slots);
        }
        killGrace = killGrace == null ? DEFAULT_KILL_GRACE : killGrace;
        tick = tick == null ? DEFAULT_TICK : tick;
        isolation = isolation == null ? Isolation.AUTO : isolation;
        if (killGrace.isNegative() || tick.isNegative() || tick.isZero()) {
            throw new IllegalArgumentException("killGrace must be >= 0 and tick > 0");
        }
        dataDir = dataDir.toAbsolutePath().normalize();
    }

    public LocalOptions(Path dataDir, int slots) {
        this(dataDir, slots, DEFAULT_KILL_GRACE, DEFAULT_TICK, Isolation.AUTO);
    }

    /** How a task is separated from the service and from other tasks. */
    public enum Isolation {
        /** A PID namespace when the machine allows one, else a process group. */
        AUTO,
        /** Its own PID and mount namespace ({@code unshare}): it cannot see the service's processes,
         * and every process it leaves behind ends with it. Fails at start-up when not possible. */
        PID_NAMESPACE,
        /** A process group of its own only ({@code setsid}). */
        PROCESS_GROUP
    }
}
