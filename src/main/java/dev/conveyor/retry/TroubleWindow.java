package dev.conveyor.retry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Since when each job has been in trouble that may pass (its Batch API or an input source away), so that a stage can
 * hold its record and try again until {@code window} has passed since the first such failure, and then give up. A
 * job whose record went to another instance is never heard of again here: marks older than three windows are
 * dropped (looked for at most once a window).
 */
public final class TroubleWindow {
    private final Duration window;
    private final Clock clock;
    private final Map<String, Instant> since = new ConcurrentHashMap<>();
    private volatile Instant swept;

    /** A job's trouble: since when, and now. */
    public record Trouble(Instant since, Instant now) {
        public Duration lasted() {
            return Duration.between(since, now);
        }

        /** Whether this failure began it. */
        public boolean isNew() {
            return since.equals(now);
        }
    }

    public TroubleWindow(Duration window, Clock clock) {
        this.window = window;
        this.clock = clock;
        this.swept = clock.instant();
    }

    /**
     * {@code jobId} failed again: its trouble, or empty once it has lasted the whole window (forgotten then: a later
     * failure begins a new one).
     */
    public Optional<Trouble> failed(String jobId) {
        Instant now = clock.instant();
        if (!now.isBefore(swept.plus(window))) {
            swept = now;
            since.values().removeIf(first -> first.isBefore(now.minus(window.multipliedBy(3))));
        }
        Instant first = since.computeIfAbsent(jobId, k -> now);
        if (Duration.between(first, now).compareTo(window) >= 0) {
            since.remove(jobId);
            return Optional.empty();
        }
        return Optional.of(new Trouble(first, now));
    }

    /** The job is past its trouble (done, or failed for another reason). */
    public void over(String jobId) {
        since.remove(jobId);
    }

    public Duration window() {
        return window;
    }

    /** Jobs in trouble now. */
    public int size() {
        return since.size();
    }
}
