package dev.conveyor.emulator.aws;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Reading and validating request members, answering ClientException as Batch does. */
final class Requests {

    /** Names of job definitions, jobs: up to 128 letters, digits, hyphens and underscores, starting alphanumeric. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,127}");

    private Requests() {
    }

    static boolean has(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && !v.isNull();
    }

    static String text(JsonNode node, String field) {
        return has(node, field) ? node.get(field).asText() : null;
    }

    static String required(JsonNode node, String field) {
        String v = text(node, field);
        if (v == null || v.isEmpty()) {
            throw ApiException.client(field + " is required");
        }
        return v;
    }

    static String name(JsonNode node, String field) {
        String v = required(node, field);
        if (!NAME.matcher(v).matches()) {
            throw ApiException.client(field + " must be 1 to 128 characters long, start with a letter or number, "
                    + "and contain only letters, numbers, hyphens (-) and underscores (_)");
        }
        return v;
    }

    static List<String> strings(JsonNode node, String field, int max) {
        List<String> out = new ArrayList<>();
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return out;
        }
        if (!v.isArray()) {
            throw ApiException.client(field + " must be a list");
        }
        if (v.size() > max) {
            throw ApiException.client("The number of " + field + " specified must be less than or equal to " + max);
        }
        v.forEach(e -> out.add(e.asText()));
        return out;
    }
}
