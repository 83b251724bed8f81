package dev.conveyor.ui;

import java.time.Duration;
import java.time.Instant;

/** Short human durations: {@code 850ms}, {@code 4.2s}, {@code 3m 05s}, {@code 2h 10m}, {@code 3d 4h}. */
final class Durations {
    private Durations() {
    }

    static String between(Instant from, Instant to) {
        return from == null || to == null ? "" : millis(Duration.between(from, to).toMillis());
    }

    static String millis(long ms) {
        if (ms < 0) {
            ms = 0;
        }
        if (ms < 1000) {
            return ms + "ms";
        }
        if (ms < 60_000) {
            return String.format(java.util.Locale.ROOT, "%.1fs", ms / 1000.0);
        }
        long s = ms / 1000;
        if (s < 3600) {
            return String.format(java.util.Locale.ROOT, "%dm %02ds", s / 60, s % 60);
        }
        if (s < 86_400) {
            return String.format(java.util.Locale.ROOT, "%dh %02dm", s / 3600, (s % 3600) / 60);
        }
        return String.format(java.util.Locale.ROOT, "%dd %dh", s / 86_400, (s % 86_400) / 3600);
    }
}
