package dev.conveyor.emulator.aws;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counts calls per operation name, whatever their outcome. */
final class RequestCounter {

    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

    void increment(String operation) {
        counts.computeIfAbsent(operation, k -> new LongAdder()).increment();
    }

    /** A sorted snapshot. */
    Map<String, Long> snapshot() {
        Map<String, Long> copy = new TreeMap<>();
        counts.forEach((k, v) -> copy.put(k, v.sum()));
        return copy;
    }
}
