package dev.conveyor.submission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Translates ddeutil {@code params} into declared Conveyor params ({@code dict} → map,
 * {@code datetime}/{@code date}/{@code choice} → str, '-' in names → '_'), renames param references
 * in templates accordingly, and applies the CLI's {@code --param} overrides to a ddeutil document.
 * One instance per translation.
 */
final class DdeutilParams {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final Pattern PARAM_REF = Pattern.compile("(\\$\\{\\{\\s*params\\.)([A-Za-z0-9_-]+)");

    private final DdeutilRun run;
    private final ObjectNode request;
    private final Map<String, String> paramNames = new HashMap<>();

    DdeutilParams(DdeutilRun run) {
        this.run = run;
        this.request = run.request();
    }

    /**
     * Applies the CLI's {@code --param name=value} to a workflow's own map (in place): a declared
     * param gets {@code value}, converted to its type; an undeclared one is added as a plain value.
     */
    static void apply(ObjectNode body, Map<String, String> overrides) {
        JsonNode existing = body.get("params");
        if (existing != null && !existing.isNull() && !existing.isObject()) {
            return;
        }
        ObjectNode params = existing == null || existing.isNull() ? body.putObject("params") : (ObjectNode) existing;
        overrides.forEach((name, raw) -> {
            String key = name;
            if (!params.has(key)) {
                for (Iterator<String> it = params.fieldNames(); it.hasNext(); ) {
                    String candidate = it.next();
                    if (conveyorName(candidate).equals(name)) {
                        key = candidate;
                    }
                }
            }
            JsonNode entry = params.get(key);
            if (entry != null && entry.isTextual()) {
                ObjectNode declared = F.objectNode().put("type", entry.asText());
                declared.set("value", Params.convert(conveyorType(entry.asText()), raw));
                params.set(key, declared);
            } else if (entry != null && entry.isObject() && entry.has("type")) {
                ((ObjectNode) entry).set("value", Params.convert(conveyorType(entry.path("type").asText()), raw));
            } else {
                params.set(key, JobNormalizer.typed(raw));
            }
        });
    }

    static String conveyorName(String ddeutilName) {
        return ddeutilName.replace('-', '_');
    }

    static String conveyorType(String type) {
        return switch (type.toLowerCase(Locale.ROOT)) {
            case "str", "string", "datetime", "date", "choice" -> "str";
            case "int", "integer" -> "int";
            case "float", "number" -> "float";
            case "bool", "boolean" -> "bool";
            case "list", "array" -> "list";
            case "map", "dict" -> "map";
            default -> null;
        };
    }

    void translate(JsonNode params, String path) {
        if (params == null || params.isNull()) {
            return;
        }
        run.map("$.params", path);
        if (!params.isObject()) {
            run.problem(path, "must be a map of params (name: type, or name: {type, default})");
            return;
        }
        ObjectNode out = request.putObject("params");
        params.fields().forEachRemaining(e -> {
            String name = e.getKey();
            String at = JsonPaths.property(path, name);
            String cname = conveyorName(name);
            String requestPath = JsonPaths.property("$.params", cname);
            if (paramNames.containsValue(cname)) {
                run.problem(at, "param '" + name + "' would be '" + cname + "', like another param; rename one of them");
                return;
            }
            paramNames.put(name, cname);
            run.map(requestPath, at);
            JsonNode entry = e.getValue();
            if (entry.isTextual()) {
                String type = conveyorType(entry.asText());
                if (type == null) {
                    run.problem(at, unknownType(entry.asText()));
                    return;
                }
                out.set(cname, F.objectNode().put("type", type));
                run.mapWhole(JsonPaths.property(requestPath, "type"), at);
            } else if (entry.isObject() && entry.has("type")) {
                out.set(cname, declaration((ObjectNode) entry, at));
            } else {
                out.set(cname, entry); // a plain value, as in a Conveyor request
            }
        });
    }

    String unknownType(String type) {
        return "ddeutil param type '" + type + "' is not supported (str, int, float, bool, list, map, dict, "
                + "datetime, date, choice)";
    }

    ObjectNode declaration(ObjectNode entry, String at) {
        ObjectNode out = F.objectNode();
        String dtype = entry.path("type").asText();
        String type = conveyorType(dtype);
        if (type == null) {
            run.problem(JsonPaths.property(at, "type"), unknownType(dtype));
            type = "str";
        }
        out.put("type", type);
        entry.fields().forEachRemaining(e -> {
            switch (e.getKey()) {
                case "type", "options" -> {
                }
                case "default", "value", "required" -> out.set(e.getKey(), e.getValue());
                case "desc", "description" -> out.put("description", e.getValue().asText());
                default -> run.problem(JsonPaths.property(at, e.getKey()), "unknown param property '" + e.getKey()
                        + "' (supported: type, default, value, required, desc, options)");
            }
        });
        if (dtype.equalsIgnoreCase("choice")) {
            JsonNode options = entry.get("options");
            if (options == null || !options.isArray() || options.isEmpty()) {
                run.problem(at, "a choice param needs options: a list of the allowed values");
            } else {
                if (!out.has("default")) {
                    out.set("default", options.get(0));
                }
                for (String key : List.of("value", "default")) {
                    JsonNode v = out.get(key);
                    boolean allowed = false;
                    for (JsonNode option : options) {
                        allowed |= option.equals(v);
                    }
                    if (v != null && !v.isNull() && !allowed) {
                        run.problem(JsonPaths.property(at, key), "must be one of the options "
                                + options + ", got " + v);
                    }
                }
            }
        }
        return out;
    }

    /** The (Conveyor) names of the params translated so far that are declared {@code int}. */
    Set<String> intParams() {
        Set<String> ints = new HashSet<>();
        request.path("params").fields().forEachRemaining(e -> {
            if (e.getValue().path("type").asText().equals("int")) {
                ints.add(e.getKey());
            }
        });
        return ints;
    }

    String renameParams(String text) {
        if (paramNames.isEmpty() || !text.contains(Templates.OPEN)) {
            return text;
        }
        Matcher m = PARAM_REF.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String name = paramNames.getOrDefault(m.group(2), m.group(2));
            m.appendReplacement(sb, Matcher.quoteReplacement(m.group(1) + name));
        }
        m.appendTail(sb);
        return sb.toString();
    }
}
