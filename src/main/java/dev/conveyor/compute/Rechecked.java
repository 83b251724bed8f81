package dev.conveyor.compute;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * What a backend learnt about something of the cloud's (a queue, a pool), kept per key and asked again at most every
 * {@code every}: one lookup at a time per key, so a burst of jobs makes one call, not one each. A lookup that throws
 * is not kept (the next caller asks again); a value may be null.
 */
public final class Rechecked<V> {
    private record Seen<V>(Instant at, V value) {
    }

    private final Duration every;
    private final Clock clock;
    private final Map<String, Seen<V>> seen = new ConcurrentHashMap<>();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    public Rechecked(Duration every, Clock clock) {
        this.every = every;
        this.clock = clock;
    }

    /** What {@code key} is, as {@code lookup} answered within the last {@code every}, or as it answers now. */
    public V get(String key, Supplier<V> lookup) {
        Seen<V> s = fresh(key);
        if (s != null) {
            return s.value();
        }
        synchronized (locks.computeIfAbsent(key, k -> new Object())) {
            s = fresh(key);
            if (s == null) {
                s = new Seen<>(clock.instant(), lookup.get());
                seen.put(key, s);
            }
            return s.value();
        }
    }

    /** Forgets what {@code key} was (it changed here): the next caller asks. */
    public void forget(String key) {
        seen.remove(key);
    }

    private Seen<V> fresh(String key) {
        Seen<V> s = seen.get(key);
        return s != null && clock.instant().isBefore(s.at().plus(every)) ? s : null;
    }
}
