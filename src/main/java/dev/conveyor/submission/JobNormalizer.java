package dev.conveyor.submission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.model.InputSpec;
import dev.conveyor.model.JobSpec;
import dev.conveyor.model.OutputSpec;
import dev.conveyor.model.RunsOn;
import dev.conveyor.model.TaskSpec;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Turns a request that {@link RequestValidator} accepted into a {@link JobSpec} with every default
 * applied. Stateless and thread-safe.
 */
public final class JobNormalizer {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /**
     * Builds the job. Defaults: {@code id} = {@code newId.get()}, {@code name} = id, {@code runsOn} =
     * {@code local} with no options, timeouts in whole seconds with 0 = none, {@code retries} 0,
     * {@code script} becomes {@code command}, env values as strings, string outputs become
     * {@code OutputSpec(pattern, SUCCESS)}, input paths normalised ({@code ./a//b} → {@code a/b}),
     * absent lists and maps empty. Every collection is immutable and keeps the request's order.
     *
     * @param validRequest a request with no validation problems (behaviour on invalid ones is undefined:
     *                     it may throw)
     * @param now          the submission time, recorded as {@code submittedAt}
     * @param newId        called once, only when the request has no {@code id}
     */
    public JobSpec normalize(JsonNode validRequest, Instant now, Supplier<String> newId) {
        Objects.requireNonNull(validRequest, "validRequest");
        String id = text(validRequest.get("id"));
        if (id == null) {
            id = Objects.requireNonNull(newId.get(), "newId returned null");
        }
        String name = text(validRequest.get("name"));
        List<TaskSpec> tasks = new ArrayList<>();
        for (JsonNode task : validRequest.path("tasks")) {
            tasks.add(task(task));
        }
        return new JobSpec(
                id,
                name != null ? name : id,
                params(validRequest.get("params")),
                runsOn(validRequest.get("runsOn")),
                Durations.toSeconds(validRequest.get("timeout")),
                strings(validRequest.get("labels")),
                List.copyOf(tasks),
                now);
    }

    private static TaskSpec task(JsonNode task) {
        String command = text(task.get("command"));
        if (command == null) {
            command = text(task.get("script"));
        }
        List<InputSpec> inputs = new ArrayList<>();
        for (JsonNode input : task.path("inputs")) {
            inputs.add(new InputSpec(WorkPaths.normalize(input.path("path").asText()),
                    text(input.get("content")), text(input.get("source"))));
        }
        List<OutputSpec> outputs = new ArrayList<>();
        for (JsonNode output : task.path("outputs")) {
            if (output.isTextual()) {
                outputs.add(new OutputSpec(output.asText(), OutputSpec.When.SUCCESS));
            } else {
                String when = output.path("when").asText("success");
                outputs.add(new OutputSpec(output.path("pattern").asText(),
                        OutputSpec.When.valueOf(when.toUpperCase(Locale.ROOT))));
            }
        }
        List<String> needs = new ArrayList<>();
        for (JsonNode need : task.path("needs")) {
            if (!needs.contains(need.asText())) {
                needs.add(need.asText());
            }
        }
        return new TaskSpec(
                task.path("id").asText(),
                command,
                strings(task.get("env")),
                List.copyOf(inputs),
                List.copyOf(outputs),
                List.copyOf(needs),
                task.path("retries").asInt(0),
                Durations.toSeconds(task.get("timeout")),
                text(task.get("image")));
    }

    private static RunsOn runsOn(JsonNode runsOn) {
        if (runsOn == null || runsOn.isNull()) {
            return new RunsOn(RequestValidator.DEFAULT_PROVIDER, Map.of());
        }
        return new RunsOn(runsOn.path("type").asText(RequestValidator.DEFAULT_PROVIDER), strings(runsOn.get("with")));
    }

    private static Map<String, JsonNode> params(JsonNode params) {
        if (params == null || !params.isObject()) {
            return Map.of();
        }
        Map<String, JsonNode> result = new LinkedHashMap<>();
        params.fields().forEachRemaining(e -> result.put(e.getKey(), e.getValue().deepCopy()));
        return Collections.unmodifiableMap(result);
    }

    /** A string map; numbers and booleans become their JSON text ({@code 3}, {@code 1.5}, {@code true}). */
    private static Map<String, String> strings(JsonNode object) {
        if (object == null || !object.isObject()) {
            return Map.of();
        }
        Map<String, String> result = new LinkedHashMap<>();
        object.fields().forEachRemaining(e -> result.put(e.getKey(),
                e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString()));
        return Collections.unmodifiableMap(result);
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText();
    }

    /**
     * Returns a copy of {@code request} whose {@code params} hold {@code overrides} over the request's
     * own values (the CLI's {@code --param k=v}). A value that is a JSON number or boolean
     * ({@code 3}, {@code -1.5}, {@code true}) is stored as such; anything else as a string. The request
     * is not modified. If the request's {@code params} is not an object it is left as it is, so that
     * validation reports it.
     */
    public static JsonNode applyParams(JsonNode request, Map<String, String> overrides) {
        Objects.requireNonNull(request, "request");
        if (overrides == null || overrides.isEmpty() || !request.isObject()) {
            return request.deepCopy();
        }
        ObjectNode copy = (ObjectNode) request.deepCopy();
        JsonNode existing = copy.get("params");
        ObjectNode params;
        if (existing == null || existing.isNull()) {
            params = copy.putObject("params");
        } else if (existing.isObject()) {
            params = (ObjectNode) existing;
        } else {
            return copy;
        }
        overrides.forEach((key, value) -> params.set(key, typed(value)));
        return copy;
    }

    private static JsonNode typed(String value) {
        if (value == null) {
            return JsonNodeFactory.instance.nullNode();
        }
        if (!value.isEmpty() && value.equals(value.strip())) {
            try {
                JsonNode parsed = MAPPER.readTree(value);
                if (parsed != null && (parsed.isNumber() || parsed.isBoolean())) {
                    return parsed;
                }
            } catch (Exception notJson) {
                // a plain string
            }
        }
        return JsonNodeFactory.instance.textNode(value);
    }
}
