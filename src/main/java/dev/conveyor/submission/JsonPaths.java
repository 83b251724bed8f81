package dev.conveyor.submission;

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
}
