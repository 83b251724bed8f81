package dev.conveyor.emulator.azure;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counts requests per REST operation id (e.g. Pool_Add, Task_List). */
final class RequestStats {
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

    void record(String operationId) {
        counts.computeIfAbsent(operationId, k -> new LongAdder()).increment();
    }

    Map<String, Long> snapshot() {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    ObjectNode toJson() {
        ObjectNode root = Json.object();
        ObjectNode ops = root.putObject("requestCounts");
        long total = 0;
        for (Map.Entry<String, Long> e : snapshot().entrySet()) {
            ops.put(e.getKey(), e.getValue());
            total += e.getValue();
        }
        root.put("total", total);
        return root;
    }
}
