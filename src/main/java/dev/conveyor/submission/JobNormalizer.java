package dev.conveyor.submission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.model.InputSpec;
import dev.conveyor.model.JobSpec;
import dev.conveyor.model.MatrixGroup;
import dev.conveyor.model.OutputRef;
import dev.conveyor.model.OutputSpec;
import dev.conveyor.model.RunsOn;
import dev.conveyor.model.TaskResources;
import dev.conveyor.model.TaskSpec;
import dev.conveyor.submission.Templates.Template;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
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
     * <p>Workflow semantics: params are resolved ({@link Params}); a matrix task becomes one task per
     * cell, {@code <id>-<n>}, in its place ({@link Matrices}), and a need of a matrix task becomes a
     * need of each of its cells; in {@code command} each template becomes a reference to an
     * environment variable ({@link ShellTemplates}): {@code CONVEYOR_T_<n>} (set in the task's env to
     * the value) for params/matrix, {@code CONVEYOR_NEEDS_<TASK>_<KEY>} (set by the provider, listed
     * in {@code outputRefs}) for upstream outputs; in env values and output patterns params/matrix
     * templates are replaced by the value's text; each matrix value is also {@code CONVEYOR_MATRIX_<KEY>}.
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
        Params.Resolved params = Params.resolve(validRequest.get("params"), JsonPaths.ROOT, (path, problem) -> {
        });
        JsonNode requestTasks = validRequest.path("tasks");
        // pass 1: the cells of every matrix task, and the task ids each request id stands for
        List<List<Map<String, JsonNode>>> cells = new ArrayList<>(requestTasks.size());
        Map<String, List<String>> idsOf = new HashMap<>();
        List<MatrixGroup> groups = new ArrayList<>();
        for (JsonNode task : requestTasks) {
            String taskId = task.path("id").asText();
            JsonNode strategy = task.get("strategy");
            if (strategy == null || strategy.isNull()) {
                cells.add(null);
                idsOf.put(taskId, List.of(taskId));
                continue;
            }
            List<Map<String, JsonNode>> taskCells = Matrices.expand(strategy.path("matrix"));
            List<String> cellIds = new ArrayList<>(taskCells.size());
            for (int c = 0; c < taskCells.size(); c++) {
                cellIds.add(taskId + "-" + c);
            }
            cells.add(taskCells);
            idsOf.put(taskId, List.copyOf(cellIds));
            groups.add(new MatrixGroup(taskId, idsOf.get(taskId), strategy.path("maxParallel").asInt(0),
                    strategy.path("failFast").asBoolean(true)));
        }
        // pass 2: the tasks
        List<TaskSpec> tasks = new ArrayList<>();
        int i = 0;
        for (JsonNode task : requestTasks) {
            addTasks(task, cells.get(i++), params.values(), idsOf, tasks);
        }
        return new JobSpec(
                id,
                name != null ? name : id,
                params.values(),
                runsOn(validRequest.get("runsOn")),
                Durations.toSeconds(validRequest.get("timeout")),
                strings(validRequest.get("labels")),
                List.copyOf(tasks),
                now,
                List.copyOf(groups));
    }

    /** Adds the task(s) one request task stands for: itself, or one per matrix cell. */
    private static void addTasks(JsonNode task, List<Map<String, JsonNode>> cells, Map<String, JsonNode> params,
                                 Map<String, List<String>> idsOf, List<TaskSpec> out) {
        String taskId = task.path("id").asText();
        String command = text(task.get("command"));
        if (command == null) {
            command = text(task.get("script"));
        }
        // the command: every template becomes a reference to an environment variable
        List<Template> templates = parse(command);
        Map<String, String> variables = new LinkedHashMap<>();
        Map<String, Template> valued = new LinkedHashMap<>();
        List<OutputRef> outputRefs = new ArrayList<>();
        for (Template t : templates) {
            if (variables.containsKey(t.expression())) {
                continue;
            }
            if (t.kind() == Templates.Kind.NEEDS) {
                variables.put(t.expression(), t.needsEnv());
                outputRefs.add(new OutputRef(t.name(), t.path().get(0), t.needsEnv()));
            } else {
                String variable = "CONVEYOR_T_" + valued.size();
                variables.put(t.expression(), variable);
                valued.put(variable, t);
            }
        }
        if (!templates.isEmpty()) {
            // validated: every template in an arithmetic context is a whole number
            command = ShellTemplates.rewrite(command, templates, t -> variables.get(t.expression()), t -> true).text();
        }
        List<InputSpec> inputs = new ArrayList<>();
        for (JsonNode input : task.path("inputs")) {
            inputs.add(new InputSpec(WorkPaths.normalize(input.path("path").asText()),
                    text(input.get("content")), text(input.get("source"))));
        }
        List<String> needs = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (JsonNode need : task.path("needs")) {
            for (String upstream : idsOf.getOrDefault(need.asText(), List.of(need.asText()))) {
                if (seen.add(upstream)) {
                    needs.add(upstream);
                }
            }
        }
        List<InputSpec> inputList = List.copyOf(inputs);
        List<String> needList = List.copyOf(needs);
        List<OutputRef> refs = List.copyOf(outputRefs);
        int retries = task.path("retries").asInt(0);
        long timeout = Durations.toSeconds(task.get("timeout"));
        String image = text(task.get("image"));
        TaskResources resources = ResourceSizes.of(task.get("resources"));
        boolean always = task.path("always").asBoolean(false);
        List<Map<String, JsonNode>> each = cells != null ? cells : NO_MATRIX;
        for (int c = 0; c < each.size(); c++) {
            Map<String, JsonNode> cell = each.get(c);
            Map<String, String> env = env(task.get("env"), params, cell);
            cell.forEach((key, value) -> env.put(Matrices.env(key), Templates.render(value)));
            valued.forEach((variable, t) -> env.put(variable, Templates.value(t, params, cell)));
            out.add(new TaskSpec(
                    cells != null ? taskId + "-" + c : taskId,
                    command,
                    Collections.unmodifiableMap(env),
                    inputList,
                    outputs(task.path("outputs"), params, cell),
                    needList,
                    retries,
                    timeout,
                    image,
                    cell,
                    taskId,
                    always,
                    refs,
                    resources));
        }
    }

    private static final List<Map<String, JsonNode>> NO_MATRIX = List.of(Map.of());

    private static List<Template> parse(String text) {
        try {
            return Templates.parse(text);
        } catch (Templates.TemplateException e) {
            throw new IllegalArgumentException("not a valid request: " + e.getMessage(), e);
        }
    }

    private static Map<String, String> env(JsonNode env, Map<String, JsonNode> params, Map<String, JsonNode> cell) {
        Map<String, String> result = new LinkedHashMap<>();
        if (env == null || !env.isObject()) {
            return result;
        }
        env.fields().forEachRemaining(e -> {
            JsonNode value = e.getValue();
            String text = value.isValueNode() ? value.asText() : value.toString();
            if (value.isTextual() && Templates.has(text)) {
                text = Templates.substitute(text, parse(text), t -> Templates.value(t, params, cell));
            }
            result.put(e.getKey(), text);
        });
        return result;
    }

    private static List<OutputSpec> outputs(JsonNode outputs, Map<String, JsonNode> params, Map<String, JsonNode> cell) {
        List<OutputSpec> result = new ArrayList<>();
        for (JsonNode output : outputs) {
            String pattern;
            OutputSpec.When when = OutputSpec.When.SUCCESS;
            if (output.isTextual()) {
                pattern = output.asText();
            } else {
                pattern = output.path("pattern").asText();
                when = OutputSpec.When.valueOf(output.path("when").asText("success").toUpperCase(Locale.ROOT));
            }
            if (Templates.has(pattern)) {
                pattern = Templates.substitute(pattern, parse(pattern), t -> Templates.value(t, params, cell));
            }
            result.add(new OutputSpec(pattern, when));
        }
        return List.copyOf(result);
    }

    private static RunsOn runsOn(JsonNode runsOn) {
        if (runsOn == null || runsOn.isNull()) {
            return new RunsOn(RequestValidator.DEFAULT_PROVIDER, Map.of());
        }
        return new RunsOn(runsOn.path("type").asText(RequestValidator.DEFAULT_PROVIDER), strings(runsOn.get("with")),
                text(runsOn.get("profile")));
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
     * Returns a copy of {@code request} with {@code overrides} applied to its params (the CLI's
     * {@code --param k=v}). For a declared param ({@code {type: …}}) the override becomes its
     * {@code value}, converted to the declared type ({@code "3"} for an int is 3, {@code "true"} for
     * a bool is true, a list or map is parsed as JSON); a value that does not convert stays a string,
     * so that validation reports it at {@code $.params.<name>.value}. Otherwise the override replaces
     * the plain value (or adds one): a JSON number or boolean ({@code 3}, {@code -1.5}, {@code true})
     * is stored as such, anything else as a string. A ddeutil-workflow document gets the same
     * treatment in its own {@code params} ({@link DdeutilWorkflowTranslator#applyParams}). The
     * request is not modified. If the request's {@code params} is not an object it is left as it is,
     * so that validation reports it.
     */
    public static JsonNode applyParams(JsonNode request, Map<String, String> overrides) {
        Objects.requireNonNull(request, "request");
        if (overrides == null || overrides.isEmpty() || !request.isObject()) {
            return request.deepCopy();
        }
        ObjectNode copy = (ObjectNode) request.deepCopy();
        if (DdeutilWorkflowTranslator.isWorkflow(copy)) {
            DdeutilWorkflowTranslator.applyParams(copy, overrides);
            return copy;
        }
        JsonNode existing = copy.get("params");
        ObjectNode params;
        if (existing == null || existing.isNull()) {
            params = copy.putObject("params");
        } else if (existing.isObject()) {
            params = (ObjectNode) existing;
        } else {
            return copy;
        }
        overrides.forEach((key, value) -> {
            JsonNode entry = params.get(key);
            if (Params.isDeclaration(entry)) {
                ((ObjectNode) entry).set("value", Params.convert(entry.path("type").asText(), value));
            } else {
                params.set(key, typed(value));
            }
        });
        return copy;
    }

    static JsonNode typed(String value) {
        return typedValue(value);
    }

    private static JsonNode typedValue(String value) {
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
