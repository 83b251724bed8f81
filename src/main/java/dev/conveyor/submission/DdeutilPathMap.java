package dev.conveyor.submission;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where each part of a translated request comes from in the ddeutil document, so that problems
 * found in the request can be reported at the document's paths.
 */
final class DdeutilPathMap {

    private final Map<String, String> paths = new HashMap<>();
    private final Set<String> whole = new HashSet<>();

    /** Maps a request path and (with the same suffix) everything under it. */
    void map(String requestPath, String ddeutilPath) {
        paths.put(requestPath, ddeutilPath);
    }

    /** Maps a request path and everything under it to one ddeutil path. */
    void mapWhole(String requestPath, String ddeutilPath) {
        paths.put(requestPath, ddeutilPath);
        whole.add(requestPath);
    }

    /** The ddeutil path mapped to exactly {@code requestPath}, or null. */
    String get(String requestPath) {
        return paths.get(requestPath);
    }

    /** The ddeutil path a Conveyor request path comes from (its nearest mapped ancestor's). */
    String originalPath(String requestPath) {
        List<Object> elements = JsonPaths.parse(requestPath);
        for (int len = elements.size(); len >= 0; len--) {
            String prefix = build(JsonPaths.ROOT, elements.subList(0, len));
            String mapped = paths.get(prefix);
            if (mapped != null) {
                // a task made from a stage has another shape: its parts map to the stage itself
                return whole.contains(prefix) ? mapped : build(mapped, elements.subList(len, elements.size()));
            }
        }
        return requestPath;
    }

    private static String build(String base, List<Object> elements) {
        String path = base;
        for (Object e : elements) {
            path = e instanceof Integer i ? JsonPaths.index(path, i) : JsonPaths.property(path, (String) e);
        }
        return path;
    }
}
