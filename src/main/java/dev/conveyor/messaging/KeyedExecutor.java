package dev.conveyor.messaging;

import io.smallrye.mutiny.Uni;
import org.jboss.logging.Logger;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Lets a stage work on records of different keys at the same time while one key's records are
 * handled strictly in order — one job's events stay in order, different jobs no longer wait for
 * each other. At most {@code maxInFlight} records are in hand at once: {@link #submit} completes
 * when the record is taken on (that is the back-pressure on the consumer), the work itself
 * completes later and acknowledges the record (the throttled commit strategy keeps offsets right
 * when records finish out of order).
 */
public final class KeyedExecutor {
    private static final Logger LOG = Logger.getLogger(KeyedExecutor.class);

    private final int maxInFlight;
    private final Map<String, CompletableFuture<Void>> tails = new HashMap<>();
    private final Deque<CompletableFuture<Void>> waitingForRoom = new ArrayDeque<>();
    private int inFlight;

    public KeyedExecutor(int maxInFlight) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1");
        }
        this.maxInFlight = maxInFlight;
    }

    /**
     * Runs {@code work} after every earlier work of the same {@code key} has ended. The returned Uni
     * completes as soon as there is room for the record, not when its work ends. The work must not
     * fail (stages turn failures into a nack themselves); a failure is logged.
     */
    public Uni<Void> submit(String key, Supplier<Uni<Void>> work) {
        CompletableFuture<Void> room;
        synchronized (this) {
            if (inFlight < maxInFlight) {
                inFlight++;
                room = CompletableFuture.completedFuture(null);
            } else {
                room = new CompletableFuture<>();
                waitingForRoom.add(room);
            }
        }
        return Uni.createFrom().completionStage(room.thenRun(() -> start(key, work)));
    }

    private void start(String key, Supplier<Uni<Void>> work) {
        CompletableFuture<Void> previous;
        CompletableFuture<Void> mine = new CompletableFuture<>();
        synchronized (this) {
            previous = tails.getOrDefault(key, CompletableFuture.completedFuture(null));
            tails.put(key, mine);
        }
        previous.whenComplete((x, e) -> work.get().subscribe().with(
                ok -> finished(key, mine, null),
                failure -> finished(key, mine, failure)));
    }

    private void finished(String key, CompletableFuture<Void> mine, Throwable failure) {
        if (failure != null) {
            LOG.errorf(failure, "stage work for key %s failed", key);
        }
        CompletableFuture<Void> next;
        synchronized (this) {
            tails.remove(key, mine);
            next = waitingForRoom.poll();
            if (next == null) {
                inFlight--;
            }
        }
        mine.complete(null);
        if (next != null) {
            next.complete(null); // its slot is this one's
        }
    }

    /** Records in hand right now (for tests and metrics). */
    public synchronized int inFlight() {
        return inFlight;
    }
}
