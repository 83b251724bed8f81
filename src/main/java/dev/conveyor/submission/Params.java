package dev.conveyor.submission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The request's {@code params}: each entry is either a plain value ({@code who: world}) or a
 * declaration, an object with a {@code type} ({@code count: {type: int, default: 3}}). A declared
 * param's value is its {@code value} (what the CLI's {@code --param} sets), else its {@code default};
 * without either it must be {@code required: false} (then it has no value and templates render it
 * as ""). {@code required} defaults to true. Values must match the declared type: {@code str} a
 * string, {@code int} a whole number, {@code float} any number, {@code bool} true/false, {@code list}
 * a list, {@code map} a map. To give a plain map value that has a {@code type} key, declare it:
 * {@code {type: map, value: {...}}}.
 */
final class Params {

    static final Set<String> TYPES = Set.of("str", "int", "float", "bool", "list", "map");

    private Params() {
    }

    /**
     * @param values resolved values, in request order (an optional param without a value is absent)
     * @param names  every param name, also those without a value
     * @param ints   the params declared {@code type: int}: a value they have is a 64-bit whole number
     */
    record Resolved(Map<String, JsonNode> values, Set<String> names, Set<String> ints) {
        static final Resolved NONE = new Resolved(Map.of(), Set.of(), Set.of());
    }

    static boolean isDeclaration(JsonNode entry) {
        return entry != null && entry.isObject() && entry.has("type");
    }

    /**
     * Resolves the params, reporting each problem (value of the wrong type, required param without
     * value) to {@code report} as (path, message); a params value that is not an object gives NONE.
     */
    static Resolved resolve(JsonNode params, String path, BiConsumer<String, String> report) {
        if (params == null || !params.isObject()) {
            return Resolved.NONE;
        }
        Map<String, JsonNode> values = new LinkedHashMap<>();
        Set<String> names = new LinkedHashSet<>();
        Set<String> ints = new LinkedHashSet<>();
        params.fields().forEachRemaining(e -> {
            String name = e.getKey();
            JsonNode entry = e.getValue();
            names.add(name);
            String at = JsonPaths.property(path, name);
            if (!isDeclaration(entry)) {
                values.put(name, entry);
                return;
            }
            JsonNode type = entry.get("type");
            if (!type.isTextual() || !TYPES.contains(type.asText())) {
                return; // the schema reports it
            }
            if (type.asText().equals("int")) {
                ints.add(name);
            }
            JsonNode value = present(entry.get("value"));
            JsonNode fallback = present(entry.get("default"));
            boolean valueOk = value == null || check(type.asText(), value, JsonPaths.property(at, "value"), name, report);
            boolean defaultOk = fallback == null || check(type.asText(), fallback, JsonPaths.property(at, "default"), name, report);
            if (value != null) {
                if (valueOk) {
                    values.put(name, value);
                }
            } else if (fallback != null) {
                if (defaultOk) {
                    values.put(name, fallback);
                }
            } else if (entry.path("required").asBoolean(true) && onlyKnownProperties(entry)) {
                report.accept(at, "param '" + name + "' is required but has no value: give it one (--param "
                        + name + "=… on the command line, or value:), or a default, or set required: false");
            }
        });
        return new Resolved(Collections.unmodifiableMap(values), Collections.unmodifiableSet(names),
                Collections.unmodifiableSet(ints));
    }

    private static final Set<String> PROPERTIES = Set.of("type", "default", "value", "required", "description");

    /** A misspelt property ({@code defualt}) is the schema's problem; do not add "has no value" to it. */
    private static boolean onlyKnownProperties(JsonNode entry) {
        for (java.util.Iterator<String> names = entry.fieldNames(); names.hasNext(); ) {
            if (!PROPERTIES.contains(names.next())) {
                return false;
            }
        }
        return true;
    }

    private static JsonNode present(JsonNode node) {
        return node == null || node.isNull() ? null : node;
    }

    private static boolean check(String type, JsonNode value, String at, String name, BiConsumer<String, String> report) {
        if (type.equals("int") && value.isIntegralNumber() && !value.canConvertToLong()) {
            // a task reads it as a 64-bit integer (shell arithmetic, int(...)); larger ones would wrap
            report.accept(at, "is too large for param '" + name + "' of type int: a whole number from "
                    + Long.MIN_VALUE + " to " + Long.MAX_VALUE + " is expected");
            return false;
        }
        if (matches(type, value)) {
            return true;
        }
        report.accept(at, "must be " + describe(type) + " (param '" + name + "' has type " + type + "), got "
                + kind(value) + (value.isValueNode() ? " " + show(value) : ""));
        return false;
    }

    static boolean matches(String type, JsonNode value) {
        return switch (type) {
            case "str" -> value.isTextual();
            case "int" -> value.isIntegralNumber();
            case "float" -> value.isNumber();
            case "bool" -> value.isBoolean();
            case "list" -> value.isArray();
            case "map" -> value.isObject();
            default -> true;
        };
    }

    private static String describe(String type) {
        return switch (type) {
            case "str" -> "a string";
            case "int" -> "a whole number";
            case "float" -> "a number";
            case "bool" -> "true or false";
            case "list" -> "a list";
            case "map" -> "a map";
            default -> type;
        };
    }

    private static String kind(JsonNode v) {
        if (v.isTextual()) {
            return "a string";
        } else if (v.isIntegralNumber()) {
            return "a whole number";
        } else if (v.isNumber()) {
            return "a number";
        } else if (v.isBoolean()) {
            return "a boolean";
        } else if (v.isArray()) {
            return "a list";
        }
        return "a map";
    }

    private static String show(JsonNode value) {
        String text = value.isTextual() ? "'" + value.asText() + "'" : value.toString();
        return text.length() > 60 ? text.substring(0, 57) + "...'" : text;
    }

    /**
     * A command-line value for a param of {@code type}: {@code "3"} for an int is 3, {@code "true"}
     * for a bool is true, a list/map is parsed as JSON; a value that does not convert stays the
     * string it is, so that validation reports it at the param's {@code value}.
     */
    static JsonNode convert(String type, String raw) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (raw == null) {
            return f.nullNode();
        }
        String s = raw.strip();
        try {
            switch (type) {
                case "int":
                    if (s.matches("[-+]?[0-9]+")) {
                        BigInteger big = new BigInteger(s);
                        return big.bitLength() < 32 ? f.numberNode(big.intValue())
                                : big.bitLength() < 64 ? f.numberNode(big.longValue()) : f.numberNode(big);
                    }
                    break;
                case "float":
                    if (s.matches("[-+]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][-+]?[0-9]+)?")) {
                        return f.numberNode(new BigDecimal(s));
                    }
                    break;
                case "bool":
                    if (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")) {
                        return f.booleanNode(s.toLowerCase(Locale.ROOT).equals("true"));
                    }
                    break;
                case "list", "map": {
                    JsonNode parsed = Json.MAPPER.readTree(s);
                    if (parsed != null && (type.equals("list") ? parsed.isArray() : parsed.isObject())) {
                        return parsed;
                    }
                    break;
                }
                default:
                    break;
            }
        } catch (Exception notConvertible) {
            // stays a string
        }
        return f.textNode(raw);
    }

    /** Mapper for list/map values given on the command line. */
    private static final class Json {
        static final com.fasterxml.jackson.databind.ObjectMapper MAPPER = new com.fasterxml.jackson.databind.ObjectMapper()
                .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    }
}
