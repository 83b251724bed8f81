package dev.conveyor.messaging;

import io.smallrye.mutiny.Uni;
import org.apache.kafka.common.errors.RetriableException;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * How Conveyor sends again what the broker did not take — a stage's output, a record on its way to the
 * DLQ, a batch of results: after a failure Kafka calls retriable, 1 s, doubling up to 30 s, for as
 * long as it takes. One place for the rule, so every output waits out an outage alike.
 */
public final class Resend {
    static final Duration FIRST = Duration.ofSeconds(1);
    static final Duration MAX = Duration.ofSeconds(30);

    private Resend() {
    }

    /** {@code attempt}, subscribed again after each failure that {@link #passes} ({@code refused} told first), until it succeeds. */
    static <T> Uni<T> untilTaken(Uni<T> attempt, Consumer<Throwable> refused) {
        return attempt
                .onFailure(Resend::passes).invoke(refused)
                .onFailure(Resend::passes).retry().withBackOff(FIRST, MAX).indefinitely();
    }

    /** A send failure Kafka itself calls retriable: no leader, no metadata yet, a delivery timeout... */
    static boolean passes(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof RetriableException) {
                return true;
            }
        }
        return false;
    }

    /**
     * The wait before trying again after {@code failuresInRow} failures in a row, for a caller that keeps
     * its own count (collection's result transactions): none after the first, then 1 s, doubling to 30 s.
     */
    public static Duration pause(int failuresInRow) {
        if (failuresInRow <= 1) {
            return Duration.ZERO;
        }
        Duration doubled = FIRST.multipliedBy(1L << Math.min(failuresInRow - 2, 5));
        return doubled.compareTo(MAX) > 0 ? MAX : doubled;
    }
}
