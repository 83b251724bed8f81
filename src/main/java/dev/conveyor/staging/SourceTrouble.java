package dev.conveyor.staging;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * For how long each job's inputs have failed in ways that may pass (a source that answered 5xx, 429 or 408, could
 * not be reached, or broke off), and so whether its record should wait and try again or the job fail naming the
 * input. The waits happen outside the stage's slots: a source that keeps failing no longer holds one of the
 * {@code records-in-flight} for the whole retry window, so a few broken sources cannot stand staging still.
 */
final class SourceTrouble {
    private final Duration window;
    private final Duration longestPause;
    private final Clock clock;
    private final Map<String, Instant> since = new ConcurrentHashMap<>();

    /**
     * @param window       how long a job's sources may keep failing before the job fails ({@code conveyor.stage-retry.max-duration})
     * @param longestPause the longest wait between two tries ({@code conveyor.stage-retry.max-delay})
     */
    SourceTrouble(Duration window, Duration longestPause, Clock clock) {
        this.window = window;
        this.longestPause = longestPause;
        this.clock = clock;
    }

    /**
     * The job's sources failed again: how long its record should wait before the next try — about as long again as
     * they have been failing (1 s, 2 s, 4 s, … up to the longest pause) — or empty once they have failed for the
     * whole window (the job fails).
     */
    Optional<Duration> failedAgain(String jobId) {
        Instant now = clock.instant();
        since.values().removeIf(first -> first.isBefore(now.minus(window.multipliedBy(3)))); // jobs that went elsewhere
        Instant first = since.computeIfAbsent(jobId, k -> now);
        Duration failing = Duration.between(first, now);
        if (failing.compareTo(window) >= 0) {
            since.remove(jobId);
            return Optional.empty();
        }
        Duration pause = failing.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : failing;
        return Optional.of(pause.compareTo(longestPause) > 0 ? longestPause : pause);
    }

    /** The job's inputs are staged (or it failed for another reason): forget its trouble. */
    void over(String jobId) {
        since.remove(jobId);
    }

    int jobs() {
        return since.size();
    }
}
