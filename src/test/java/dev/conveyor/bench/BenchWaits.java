package dev.conveyor.bench;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.IntSupplier;

/**
 * How the bench harnesses wait, on conditions (Awaitility) rather than fixed sleeps. A harness
 * reports what it saw when a wait runs out, so these answer whether the condition was met instead
 * of failing.
 */
final class BenchWaits {
    private BenchWaits() {
    }

    /** Waits until {@code condition} holds, polling every {@code poll}, at most {@code atMost}; returns whether it held. */
    static boolean until(Callable<Boolean> condition, Duration poll, Duration atMost) {
        try {
            Awaitility.await().pollDelay(Duration.ZERO).pollInterval(poll).atMost(atMost).until(condition);
            return true;
        } catch (ConditionTimeoutException e) {
            return false;
        }
    }

    /**
     * Waits until {@code count} (records seen so far) has not changed for {@code quiet} — late
     * duplicates and clean-up have had their chance — at most {@code atMost}; returns whether it settled.
     */
    static boolean quietFor(IntSupplier count, Duration quiet, Duration atMost) {
        int[] last = {count.getAsInt()};
        long[] changed = {System.nanoTime()};
        return until(() -> {
            int now = count.getAsInt();
            if (now != last[0]) {
                last[0] = now;
                changed[0] = System.nanoTime();
            }
            return System.nanoTime() - changed[0] >= quiet.toNanos();
        }, Duration.ofMillis(200), atMost);
    }
}
