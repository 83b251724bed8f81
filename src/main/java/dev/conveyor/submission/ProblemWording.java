package dev.conveyor.submission;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** Small wording helpers for schema problem messages: types with articles, lists, shown values. */
final class ProblemWording {

    private ProblemWording() {
    }

    /** E.g. {@code a string or an array (list)}; duplicates left out. */
    static String typeList(Iterable<String> types) {
        List<String> withArticles = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String t : types) {
            if (seen.add(t)) {
                withArticles.add(withArticle(t));
            }
        }
        return join(withArticles, "or");
    }

    static String withArticle(String type) {
        String t = "array".equals(type) ? "array (list)" : "object".equals(type) ? "object (map)" : type;
        return (t.startsWith("a") || t.startsWith("i") || t.startsWith("o") ? "an " : "a ") + t;
    }

    /** The JSON Schema type name of a value ({@code null} for a missing one). */
    static String jsonType(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return "null";
        } else if (node.isTextual()) {
            return "string";
        } else if (node.isIntegralNumber()) {
            return "integer";
        } else if (node.isNumber()) {
            return "number";
        } else if (node.isBoolean()) {
            return "boolean";
        } else if (node.isArray()) {
            return "array";
        }
        return "object";
    }

    /** E.g. {@code 'a', 'b' or 'c'}. */
    static String quotedList(List<String> names, String conjunction) {
        return join(names.stream().map(n -> "'" + n + "'").toList(), conjunction);
    }

    static String join(List<String> items, String conjunction) {
        if (items.size() <= 1) {
            return String.join("", items);
        }
        return String.join(", ", items.subList(0, items.size() - 1)) + " " + conjunction + " " + items.get(items.size() - 1);
    }

    static String joinValues(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.isTextual() ? v.asText() : v.toString()));
        return values.stream().collect(Collectors.joining(", "));
    }

    /** A value as shown in a message: strings quoted, at most 80 characters. */
    static String show(JsonNode value) {
        if (value == null) {
            return "nothing";
        }
        String text = value.isTextual() ? "'" + value.asText() + "'" : value.toString();
        return text.length() > 80 ? text.substring(0, 77) + "...'" : text;
    }

    static String arg(Object[] args, int i) {
        return args.length > i ? String.valueOf(args[i]) : "?";
    }
}
