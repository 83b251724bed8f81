package dev.conveyor.model;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Key/value outputs a task passes on ("return value to the next task"). A task writes
 * {@code key=value} lines to the file named by {@code $CONVEYOR_OUTPUTS}; each task that needs it
 * receives every value as {@code CONVEYOR_NEEDS_<TASK>_<KEY>} and all of them as one JSON file
 * named by {@code $CONVEYOR_NEEDS}; the result lists them per task. One format for every provider.
 */
public final class TaskValues {
    /** Largest values file read; the rest is ignored. */
    public static final int MAX_BYTES = 64 * 1024;
    private static final Pattern KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]{0,127}");

    private TaskValues() {
    }

    /**
     * Parses {@code key=value} lines: the value is everything after the first '=' (may be empty or
     * contain '='); blank lines and lines starting with '#' are skipped, as are keys that are not
     * {@code [A-Za-z_][A-Za-z0-9_.-]*}. A later line wins over an earlier one with the same key.
     */
    public static Map<String, String> parse(String text) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            String l = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
            int eq = l.indexOf('=');
            if (l.isBlank() || l.startsWith("#") || eq <= 0) {
                continue;
            }
            String key = l.substring(0, eq).trim();
            if (KEY.matcher(key).matches()) {
                values.put(key, l.substring(eq + 1));
            }
        }
        return values;
    }

    /** {@code CONVEYOR_NEEDS_<TASK>_<KEY>}: upper-cased, every other character than A-Z0-9 becomes '_'. */
    public static String envName(String taskId, String key) {
        return "CONVEYOR_NEEDS_" + envPart(taskId) + "_" + envPart(key);
    }

    private static String envPart(String s) {
        return s.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    /** The environment a task gets from its upstream tasks' values. */
    public static Map<String, String> env(Map<String, Map<String, String>> upstream) {
        Map<String, String> env = new LinkedHashMap<>();
        upstream.forEach((task, values) -> values.forEach((k, v) -> env.put(envName(task, k), v)));
        return env;
    }
}
