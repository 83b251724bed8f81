package dev.conveyor.staging;

import dev.conveyor.retry.TroubleWindow;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * For how long each job's inputs have failed in ways that may pass (a source that answered 5xx, 429 or 408, could
 * not be reached, or broke off), and so whether its record should wait and try again or the job fail naming the
 * input. The waits happen outside the stage's slots: a source that keeps failing no longer holds one of the
 * {@code records-in-flight} for the whole retry window, so a few broken sources cannot stand staging still.
 */
final class SourceTrouble {
    private final TroubleWindow trouble;
    private final Duration longestPause;

    /**
     * @param window       how long a job's sources may keep failing before the job fails ({@code conveyor.stage-retry.max-duration})
     * @param longestPause the longest wait between two tries ({@code conveyor.stage-retry.max-delay})
     */
    SourceTrouble(Duration window, Duration longestPause, Clock clock) {
        this.trouble = new TroubleWindow(window, clock);
        this.longestPause = longestPause;
    }

    /**
     * The job's sources failed again: how long its record should wait before the next try — about as long again as
     * they have been failing (1 s, 2 s, 4 s, … up to the longest pause) — or empty once they have failed for the
     * whole window (the job fails).
     */
    Optional<Duration> failedAgain(String jobId) {
        return trouble.failed(jobId).map(t -> {
            Duration pause = t.lasted().compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : t.lasted();
            return pause.compareTo(longestPause) > 0 ? longestPause : pause;
        });
    }

    /** The job's inputs are staged (or it failed for another reason): forget its trouble. */
    void over(String jobId) {
        trouble.over(jobId);
    }

    int jobs() {
        return trouble.size();
    }
}
