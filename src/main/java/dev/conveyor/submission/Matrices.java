package dev.conveyor.submission;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Matrix strategies ({@code strategy.matrix} of a task), with GitHub Actions semantics:
 * <ol>
 *   <li>the cartesian product of the axes (every property but {@code include}/{@code exclude}), the
 *       first axis varying slowest;</li>
 *   <li>{@code exclude}: a combination is dropped when it has every key/value of an exclude entry;</li>
 *   <li>{@code include}: each entry's key/values are added to every remaining original combination
 *       whose axis values it does not contradict (values added by an earlier include may be
 *       overwritten, axis values never); an entry that fits no original combination becomes a
 *       combination of its own.</li>
 * </ol>
 * The size is computed before anything is expanded, so an oversized matrix costs nothing.
 */
final class Matrices {

    static final String INCLUDE = "include";
    static final String EXCLUDE = "exclude";

    private Matrices() {
    }

    /** The axis names of a matrix object, in order. */
    static List<String> axes(JsonNode matrix) {
        List<String> axes = new ArrayList<>();
        for (Iterator<String> names = matrix.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals(INCLUDE) && !name.equals(EXCLUDE)) {
                axes.add(name);
            }
        }
        return axes;
    }

    /**
     * The number of combinations of the axes (before exclude/include), saturating at
     * {@code cap + 1}; 0 when there are no axes. Axes that are not lists count as one value.
     */
    static long product(JsonNode matrix, long cap) {
        List<String> axes = axes(matrix);
        if (axes.isEmpty()) {
            return 0;
        }
        long product = 1;
        for (String axis : axes) {
            JsonNode values = matrix.get(axis);
            long size = values.isArray() ? values.size() : 1;
            if (size == 0) {
                return 0;
            }
            if (product > (cap + 1) / size) {
                return cap + 1;
            }
            product = Math.min(product * size, cap + 1);
        }
        return product;
    }

    /** How many include entries the matrix has. */
    static int includes(JsonNode matrix) {
        JsonNode include = matrix.get(INCLUDE);
        return include != null && include.isArray() ? include.size() : 0;
    }

    /** Every key a cell of the matrix may have: the axes and the keys of include entries. */
    static Set<String> keys(JsonNode matrix) {
        Set<String> keys = new LinkedHashSet<>(axes(matrix));
        JsonNode include = matrix.get(INCLUDE);
        if (include != null && include.isArray()) {
            for (JsonNode entry : include) {
                entry.fieldNames().forEachRemaining(keys::add);
            }
        }
        return keys;
    }

    /**
     * The cells of a matrix whose {@link #product} has been checked. Each cell is an unmodifiable
     * map (key → value) in axis order then include order; the value nodes are shared with the request.
     */
    static List<Map<String, JsonNode>> expand(JsonNode matrix) {
        List<String> axes = axes(matrix);
        List<JsonNode> excludes = entries(matrix.get(EXCLUDE));
        List<Map<String, JsonNode>> cells = new ArrayList<>();
        if (!axes.isEmpty() && product(matrix, Integer.MAX_VALUE - 8) > 0) {
            int[] index = new int[axes.size()];
            JsonNode[][] values = new JsonNode[axes.size()][];
            for (int a = 0; a < axes.size(); a++) {
                JsonNode v = matrix.get(axes.get(a));
                if (v.isArray()) {
                    values[a] = new JsonNode[v.size()];
                    for (int k = 0; k < v.size(); k++) {
                        values[a][k] = v.get(k);
                    }
                } else {
                    values[a] = new JsonNode[]{v};
                }
            }
            while (true) {
                Map<String, JsonNode> cell = new LinkedHashMap<>();
                for (int a = 0; a < axes.size(); a++) {
                    cell.put(axes.get(a), values[a][index[a]]);
                }
                if (!excluded(cell, excludes)) {
                    cells.add(cell);
                }
                int a = axes.size() - 1;
                while (a >= 0 && ++index[a] == values[a].length) {
                    index[a] = 0;
                    a--;
                }
                if (a < 0) {
                    break;
                }
            }
        }
        int originals = cells.size();
        for (JsonNode include : entries(matrix.get(INCLUDE))) {
            boolean added = false;
            for (int c = 0; c < originals; c++) {
                Map<String, JsonNode> cell = cells.get(c);
                if (fits(cell, include, axes)) {
                    include.fields().forEachRemaining(e -> cell.put(e.getKey(), e.getValue()));
                    added = true;
                }
            }
            if (!added) {
                Map<String, JsonNode> cell = new LinkedHashMap<>();
                include.fields().forEachRemaining(e -> cell.put(e.getKey(), e.getValue()));
                cells.add(cell);
            }
        }
        List<Map<String, JsonNode>> result = new ArrayList<>(cells.size());
        for (Map<String, JsonNode> cell : cells) {
            result.add(Collections.unmodifiableMap(cell));
        }
        return result;
    }

    private static List<JsonNode> entries(JsonNode list) {
        List<JsonNode> entries = new ArrayList<>();
        if (list != null && list.isArray()) {
            for (JsonNode entry : list) {
                if (entry.isObject()) {
                    entries.add(entry);
                }
            }
        }
        return entries;
    }

    private static boolean excluded(Map<String, JsonNode> cell, List<JsonNode> excludes) {
        for (JsonNode exclude : excludes) {
            boolean all = true;
            for (Iterator<Map.Entry<String, JsonNode>> it = exclude.fields(); it.hasNext() && all; ) {
                Map.Entry<String, JsonNode> e = it.next();
                all = e.getValue().equals(cell.get(e.getKey()));
            }
            if (all) {
                return true;
            }
        }
        return false;
    }

    /** An include entry fits an original combination when it agrees with every axis value it names. */
    private static boolean fits(Map<String, JsonNode> cell, JsonNode include, List<String> axes) {
        for (Iterator<Map.Entry<String, JsonNode>> it = include.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (axes.contains(e.getKey()) && !e.getValue().equals(cell.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    /** Environment variable of a matrix key: {@code CONVEYOR_MATRIX_<KEY>}. */
    static String env(String key) {
        return "CONVEYOR_MATRIX_" + Templates.envPart(key);
    }
}
