package dev.conveyor.submission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Translates a ddeutil job's {@code strategy} ({@code matrix}, {@code include}/{@code exclude}
 * beside or inside it, {@code max-parallel} default 1, {@code fail-fast} default false) into a
 * Conveyor task strategy, and maps the task's strategy paths back to the job's.
 */
final class DdeutilStrategies {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final DdeutilRun run;

    DdeutilStrategies(DdeutilRun run) {
        this.run = run;
    }


    ObjectNode strategy(JsonNode strategy, String at) {
        if (strategy == null || strategy.isNull()) {
            return null;
        }
        if (!strategy.isObject()) {
            run.problem(at, "must be a map: {matrix, include, exclude, max-parallel, fail-fast}");
            return null;
        }
        ObjectNode out = F.objectNode();
        ObjectNode matrix = out.putObject("matrix");
        JsonNode m = strategy.get("matrix");
        if (m != null && m.isObject()) {
            m.fields().forEachRemaining(e -> matrix.set(e.getKey(), e.getValue()));
        } else if (m != null) {
            run.problem(JsonPaths.property(at, "matrix"), "must be a map of axes (name: [values])");
        }
        for (String list : List.of(Matrices.INCLUDE, Matrices.EXCLUDE)) {
            JsonNode entries = strategy.get(list);
            if (entries != null && entries.isArray()) {
                ArrayNode merged = matrix.has(list) && matrix.get(list).isArray()
                        ? ((ArrayNode) matrix.get(list)).deepCopy() : F.arrayNode();
                merged.addAll((ArrayNode) entries);
                matrix.set(list, merged);
            } else if (entries != null) {
                run.problem(JsonPaths.property(at, list), "must be a list of maps");
            }
        }
        int maxParallel = 1;
        boolean failFast = false;
        for (Iterator<Map.Entry<String, JsonNode>> it = strategy.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            switch (e.getKey()) {
                case "matrix", "include", "exclude" -> {
                }
                case "max-parallel", "max_parallel", "maxParallel" -> {
                    if (!e.getValue().canConvertToInt() || !e.getValue().isIntegralNumber() || e.getValue().asInt() < 1) {
                        run.problem(JsonPaths.property(at, e.getKey()), "must be a whole number of at least 1");
                    } else {
                        maxParallel = e.getValue().asInt();
                    }
                }
                case "fail-fast", "fail_fast", "failFast" -> {
                    if (!e.getValue().isBoolean()) {
                        run.problem(JsonPaths.property(at, e.getKey()), "must be true or false");
                    } else {
                        failFast = e.getValue().asBoolean();
                    }
                }
                default -> run.problem(JsonPaths.property(at, e.getKey()), "unknown strategy property '" + e.getKey()
                        + "' (supported: matrix, include, exclude, max-parallel, fail-fast)");
            }
        }
        out.put("maxParallel", maxParallel);
        out.put("failFast", failFast);
        return out;
    }

    void mapStrategy(String taskPath, String at, JsonNode strategy) {
        String s = JsonPaths.property(taskPath, "strategy");
        run.map(s, at);
        run.map(JsonPaths.property(s, "matrix"), JsonPaths.property(at, "matrix"));
        for (String list : List.of(Matrices.INCLUDE, Matrices.EXCLUDE)) {
            if (strategy.has(list)) {
                run.map(JsonPaths.property(JsonPaths.property(s, "matrix"), list), JsonPaths.property(at, list));
            }
        }
        for (String key : List.of("max-parallel", "max_parallel", "maxParallel")) {
            if (strategy.has(key)) {
                run.map(JsonPaths.property(s, "maxParallel"), JsonPaths.property(at, key));
            }
        }
        for (String key : List.of("fail-fast", "fail_fast", "failFast")) {
            if (strategy.has(key)) {
                run.map(JsonPaths.property(s, "failFast"), JsonPaths.property(at, key));
            }
        }
    }
}
