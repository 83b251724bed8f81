package dev.conveyor.compute.aws;

import java.time.Instant;

/**
 * Paces SubmitJob calls client-side: never more than {@code limit} per second, and adaptive below
 * that — a TooManyRequestsException halves the allowed rate, every 100 successes in a row raise it
 * ×1.2 again up to the limit (Nextflow's executor does the same). Calls are spaced evenly
 * ({@code 1 / rate} apart), so no one-second window ever holds more than the limit.
 */
final class SubmitThrottle {
    private static final double FLOOR = 1.0;
    private final int limit;
    private double rate;
    private long nextFreeNanos;
    private int successes;

    SubmitThrottle(int limit) {
        this.limit = limit;
        this.rate = limit;
    }

    /** Waits until the next call may go. */
    void acquire() {
        acquire(null);
    }

    /**
     * Waits until the next call may go and answers true; or, when that turn would come at or after {@code by} (null:
     * no limit), answers false at once and takes no turn. A call that would not be sent must not hold a turn: at a low
     * pace, turns held by calls past their window pushed every later call past its own, and nothing was sent again.
     */
    boolean acquire(Instant by) {
        long wait;
        synchronized (this) {
            long now = System.nanoTime();
            long slot = Math.max(now, nextFreeNanos);
            if (by != null && !Instant.now().plusNanos(slot - now).isBefore(by)) {
                return false;
            }
            nextFreeNanos = slot + (long) (1_000_000_000L / rate);
            wait = slot - now;
        }
        if (wait > 0) {
            try {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting to submit", e);
            }
        }
        return true;
    }

    synchronized void throttled() {
        rate = Math.max(FLOOR, rate / 2);
        successes = 0;
    }

    synchronized void succeeded() {
        if (++successes >= 100) {
            successes = 0;
            rate = Math.min(limit, rate * 1.2);
        }
    }

    synchronized double rate() {
        return rate;
    }

    int limit() {
        return limit;
    }
}
