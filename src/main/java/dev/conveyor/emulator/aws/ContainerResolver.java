package dev.conveyor.emulator.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A job's container: the definition's containerProperties with SubmitJob's containerOverrides applied
 * (command replaced; environment and resourceRequirements merged by name/type; vcpus, memory, instanceType
 * replaced), and {@code Ref::name} placeholders in the command replaced by parameter values.
 */
final class ContainerResolver {

    private static final Pattern REF = Pattern.compile("Ref::([A-Za-z0-9_-]+)");

    private ContainerResolver() {
    }

    static ObjectNode resolve(ObjectNode definitionContainer, JsonNode overrides, ObjectNode parameters) {
        ObjectNode container = definitionContainer.deepCopy();
        if (overrides != null && overrides.isObject()) {
            Validation.resourceRequirements(overrides.get("resourceRequirements"));
            for (String field : List.of("command", "vcpus", "memory", "instanceType")) {
                if (Requests.has(overrides, field)) {
                    container.set(field, overrides.get(field).deepCopy());
                }
            }
            merge(container, "environment", overrides.get("environment"), "name");
            merge(container, "resourceRequirements", overrides.get("resourceRequirements"), "type");
        }
        ArrayNode command = container.putArray("command");
        substitute(definitionOrOverride(definitionContainer, overrides), parameters).forEach(command::add);
        return container;
    }

    static List<String> command(ObjectNode container) {
        List<String> out = new ArrayList<>();
        container.path("command").forEach(c -> out.add(c.asText()));
        return out;
    }

    static Map<String, String> environment(ObjectNode container) {
        Map<String, String> env = new LinkedHashMap<>();
        container.path("environment").forEach(e -> env.put(e.path("name").asText(), e.path("value").asText("")));
        return env;
    }

    /** vCPUs the job reserves: the VCPU requirement (rounded up), else the legacy vcpus, else 1. */
    static int vcpus(ObjectNode container) {
        for (JsonNode r : container.path("resourceRequirements")) {
            if ("VCPU".equals(r.path("type").asText())) {
                return (int) Math.max(1, Math.ceil(Double.parseDouble(r.path("value").asText())));
            }
        }
        return container.has("vcpus") ? Math.max(1, container.get("vcpus").asInt()) : 1;
    }

    /** The job's MEMORY requirement in MiB, else its legacy {@code memory}; 0 when it says nothing. */
    static int memoryMib(ObjectNode container) {
        for (JsonNode r : container.path("resourceRequirements")) {
            if ("MEMORY".equals(r.path("type").asText())) {
                return (int) Math.ceil(Double.parseDouble(r.path("value").asText()));
            }
        }
        return container.path("memory").asInt(0);
    }

    private static JsonNode definitionOrOverride(ObjectNode definitionContainer, JsonNode overrides) {
        if (overrides != null && Requests.has(overrides, "command")) {
            return overrides.get("command");
        }
        return definitionContainer.path("command");
    }

    private static List<String> substitute(JsonNode command, ObjectNode parameters) {
        List<String> out = new ArrayList<>();
        for (JsonNode part : command) {
            Matcher m = REF.matcher(part.asText());
            StringBuilder sb = new StringBuilder();
            while (m.find()) {
                JsonNode value = parameters.get(m.group(1));
                m.appendReplacement(sb, Matcher.quoteReplacement(value != null ? value.asText() : m.group()));
            }
            m.appendTail(sb);
            out.add(sb.toString());
        }
        return out;
    }

    private static void merge(ObjectNode container, String field, JsonNode overrides, String key) {
        if (overrides == null || !overrides.isArray()) {
            return;
        }
        Map<String, JsonNode> merged = new LinkedHashMap<>();
        container.path(field).forEach(e -> merged.put(e.path(key).asText(), e));
        overrides.forEach(e -> merged.put(e.path(key).asText(), e.deepCopy()));
        ArrayNode list = container.putArray(field);
        merged.values().forEach(list::add);
    }
}
