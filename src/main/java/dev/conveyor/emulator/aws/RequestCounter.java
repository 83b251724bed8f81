package dev.conveyor.emulator.aws;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;

/** Counts calls per operation name, whatever their outcome, and remembers when each came (for rate checks). */
final class RequestCounter {

    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
    private final Map<String, ConcurrentLinkedQueue<Long>> times = new ConcurrentHashMap<>();

    void increment(String operation) {
        counts.computeIfAbsent(operation, k -> new LongAdder()).increment();
        times.computeIfAbsent(operation, k -> new ConcurrentLinkedQueue<>()).add(System.currentTimeMillis());
    }

    /** A sorted snapshot. */
    Map<String, Long> snapshot() {
        Map<String, Long> copy = new TreeMap<>();
        counts.forEach((k, v) -> copy.put(k, v.sum()));
        return copy;
    }

    /** When each call of {@code operation} arrived (epoch milliseconds), in arrival order. */
    List<Long> times(String operation) {
        ConcurrentLinkedQueue<Long> q = times.get(operation);
        return q == null ? List.of() : new ArrayList<>(q);
    }
}
