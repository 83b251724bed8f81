package dev.conveyor.submission;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Builds the JSON paths used in {@link dev.conveyor.model.Problem}s: {@code $} for the document,
 * {@code .name} for a property whose name is an identifier, {@code ['odd-name']} otherwise, and
 * {@code [3]} for an array index, e.g. {@code $.tasks[1].needs[0]} or {@code $.tasks[0].env['MY-VAR']}.
 */
public final class JsonPaths {

    public static final String ROOT = "$";
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private JsonPaths() {
    }

    /** {@code parent} followed by property {@code name}. */
    public static String property(String parent, String name) {
        if (IDENTIFIER.matcher(name).matches()) {
            return parent + "." + name;
        }
        return parent + "['" + name.replace("\\", "\\\\").replace("'", "\\'") + "']";
    }

    /** {@code parent} followed by array index {@code index}. */
    public static String index(String parent, int index) {
        return parent + "[" + index + "]";
    }

    /**
     * The elements of a path built by this class: {@code String} property names and {@code Integer}
     * indexes ({@code $.tasks[1].env['A-B']} → {@code [tasks, 1, env, A-B]}).
     */
    public static List<Object> parse(String path) {
        List<Object> elements = new ArrayList<>();
        int i = path.startsWith(ROOT) ? 1 : 0;
        int n = path.length();
        while (i < n) {
            char c = path.charAt(i);
            if (c == '.') {
                int end = i + 1;
                while (end < n && path.charAt(end) != '.' && path.charAt(end) != '[') {
                    end++;
                }
                elements.add(path.substring(i + 1, end));
                i = end;
            } else if (c == '[' && i + 1 < n && path.charAt(i + 1) == '\'') {
                StringBuilder name = new StringBuilder();
                int j = i + 2;
                while (j < n && path.charAt(j) != '\'') {
                    if (path.charAt(j) == '\\' && j + 1 < n) {
                        j++;
                    }
                    name.append(path.charAt(j++));
                }
                elements.add(name.toString());
                i = j + 2; // skip "']"
            } else if (c == '[') {
                int end = path.indexOf(']', i);
                if (end < 0) {
                    break;
                }
                try {
                    elements.add(Integer.parseInt(path.substring(i + 1, end)));
                } catch (NumberFormatException e) {
                    elements.add(path.substring(i + 1, end));
                }
                i = end + 1;
            } else {
                i++;
            }
        }
        return elements;
    }

    /**
     * Orders paths as their values appear in {@code document}: array indexes numerically, properties
     * by their position in their object; a path to a missing property sorts after its siblings.
     * The comparator caches positions: use it for one sort, not across threads.
     */
    public static Comparator<String> documentOrder(JsonNode document) {
        Map<String, List<Integer>> positions = new HashMap<>();
        return (a, b) -> compare(positions.computeIfAbsent(a, p -> position(document, p)),
                positions.computeIfAbsent(b, p -> position(document, p)));
    }

    private static List<Integer> position(JsonNode document, String path) {
        List<Integer> position = new ArrayList<>();
        JsonNode node = document;
        for (Object element : parse(path)) {
            int at = Integer.MAX_VALUE;
            JsonNode next = null;
            if (element instanceof Integer index) {
                at = index;
                next = node != null && node.isArray() ? node.get(index) : null;
            } else if (node != null && node.isObject()) {
                int k = 0;
                for (Iterator<String> names = node.fieldNames(); names.hasNext(); k++) {
                    if (names.next().equals(element)) {
                        at = k;
                        next = node.get((String) element);
                        break;
                    }
                }
            }
            position.add(at);
            node = next;
        }
        return position;
    }

    private static int compare(List<Integer> a, List<Integer> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int c = Integer.compare(a.get(i), b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }
}
