package dev.conveyor.submission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.submission.Templates.Template;
import dev.conveyor.submission.Templates.TemplateException;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Translates one ddeutil stage into a Conveyor task: {@code empty} ({@code echo}, {@code sleep}),
 * {@code sh}, {@code bash} and {@code py} stages (scripts as inline input files, templates as
 * environment variables), with the stage's {@code env} and {@code outputs}; unsupported stage
 * types and properties are reported.
 */
final class DdeutilStages {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final Pattern TASK_ID = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$");
    private static final Set<String> STAGE_KEYS = Set.of("id", "name", "desc", "description", "type", "echo", "sleep",
            "bash", "sh", "run", "env", "outputs", "if", "vars", "uses", "with", "trigger", "params");
    static final String SCRIPT_FOLDER = ".ddeutil";

    private final DdeutilRun run;
    private final DdeutilParams params;

    DdeutilStages(DdeutilRun run, DdeutilParams params) {
        this.run = run;
        this.params = params;
    }

    static String taskId(String jobName, int n, JsonNode stage) {
        JsonNode id = stage.isObject() ? stage.get("id") : null;
        if (id != null && id.isTextual() && TASK_ID.matcher(id.asText()).matches()) {
            return id.asText();
        }
        return jobName + "-" + n;
    }

    ObjectNode stage(String jobName, int n, JsonNode stage, String stagePath, String taskPath) {
        ObjectNode task = F.objectNode();
        String id = taskId(jobName, n, stage);
        task.put("id", id);
        JsonNode givenId = stage.isObject() ? stage.get("id") : null;
        run.mapWhole(JsonPaths.property(taskPath, "id"), givenId != null && id.equals(givenId.asText())
                ? JsonPaths.property(stagePath, "id") : stagePath);
        if (!stage.isObject()) {
            run.problem(stagePath, "must be a stage: a map such as {name: ..., bash: ...}");
            task.put("command", "true");
            return task;
        }
        for (Iterator<String> it = stage.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!STAGE_KEYS.contains(key)) {
                run.problem(JsonPaths.property(stagePath, key), "unknown or unsupported stage property '" + key
                        + "' (supported: name, id, desc, type, echo, sleep, sh, bash, run, env, outputs)");
            }
        }
        for (String unsupported : List.of("uses", "trigger", "if", "vars")) {
            if (stage.has(unsupported)) {
                run.problem(JsonPaths.property(stagePath, unsupported), switch (unsupported) {
                    case "uses" -> "call stages ('uses') are not supported: Conveyor runs shell and Python stages";
                    case "trigger" -> "trigger stages are not supported";
                    case "if" -> "conditions ('if') are not supported";
                    default -> "py stage 'vars' are not supported: read values from the environment "
                            + "(os.environ['CONVEYOR_PARAM_<NAME>'])";
                });
            }
        }
        JsonNode env = stage.get("env");
        if (env != null && env.isObject()) {
            ObjectNode out = task.putObject("env");
            env.fields().forEachRemaining(e -> out.set(e.getKey(),
                    e.getValue().isTextual() ? F.textNode(params.renameParams(e.getValue().asText())) : e.getValue()));
            run.map(JsonPaths.property(taskPath, "env"), JsonPaths.property(stagePath, "env"));
        } else if (env != null) {
            task.set("env", env);
            run.map(JsonPaths.property(taskPath, "env"), JsonPaths.property(stagePath, "env"));
        }
        JsonNode outputs = stage.get("outputs");
        if (outputs != null) {
            JsonNode copy = outputs.deepCopy();
            if (copy.isArray()) {
                for (int o = 0; o < copy.size(); o++) {
                    if (copy.get(o).isTextual()) {
                        ((ArrayNode) copy).set(o, F.textNode(params.renameParams(copy.get(o).asText())));
                    }
                }
            }
            task.set("outputs", copy);
            run.map(JsonPaths.property(taskPath, "outputs"), JsonPaths.property(stagePath, "outputs"));
        }
        String type = stageType(stage);
        switch (type) {
            case "empty" -> empty(stage, stagePath, taskPath, task);
            case "sh" -> {
                String field = stage.has("sh") ? "sh" : stage.has("bash") ? "bash" : "run";
                String script = text(stage, field, stagePath);
                task.put("script", script == null ? "true" : params.renameParams(script));
                run.mapWhole(JsonPaths.property(taskPath, "script"), JsonPaths.property(stagePath, field));
            }
            case "bash" -> bash(stage, id, stagePath, taskPath, task);
            case "py" -> python(stage, id, stagePath, taskPath, task);
            default -> {
                if (!stage.has("uses") && !stage.has("trigger")) {
                    run.problem(stage.has("type") ? JsonPaths.property(stagePath, "type") : stagePath,
                            "stage type '" + type + "' is not supported (empty, sh, bash, py)");
                }
                task.put("command", "true");
            }
        }
        return task;
    }

    static String stageType(JsonNode stage) {
        JsonNode type = stage.get("type");
        if (type != null && type.isTextual()) {
            String t = type.asText().toLowerCase(Locale.ROOT);
            return switch (t) {
                case "empty", "emptystage" -> "empty";
                case "sh", "shell" -> "sh";
                case "bash", "bashstage" -> "bash";
                case "py", "python", "pystage" -> "py";
                default -> t;
            };
        }
        if (stage.has("bash")) {
            return "bash";
        }
        if (stage.has("sh")) {
            return "sh";
        }
        if (stage.has("run")) {
            return "py";
        }
        if (stage.has("uses")) {
            return "call";
        }
        if (stage.has("trigger")) {
            return "trigger";
        }
        return "empty";
    }

    String text(JsonNode stage, String field, String stagePath) {
        JsonNode value = stage.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            run.problem(value == null ? stagePath : JsonPaths.property(stagePath, field),
                    value == null ? "the stage has no '" + field + "' script" : "must be a non-empty script");
            return null;
        }
        return value.asText();
    }

    void empty(JsonNode stage, String stagePath, String taskPath, ObjectNode task) {
        List<String> parts = new ArrayList<>();
        JsonNode echo = stage.get("echo");
        if (echo != null && !echo.isNull()) {
            String text = echo.isValueNode() ? echo.asText() : echo.toString();
            parts.add("printf '%s\\n' " + singleQuoted(params.renameParams(text)));
            run.mapWhole(JsonPaths.property(taskPath, "command"), JsonPaths.property(stagePath, "echo"));
        }
        JsonNode sleep = stage.get("sleep");
        if (sleep != null && !sleep.isNull()) {
            if (!sleep.isNumber() || sleep.asDouble() < 0) {
                run.problem(JsonPaths.property(stagePath, "sleep"), "must be a number of seconds");
            } else {
                parts.add("sleep " + sleep.decimalValue().toPlainString());
            }
        }
        task.put("command", parts.isEmpty() ? "true" : String.join(" && ", parts));
        if (echo == null || echo.isNull()) {
            run.mapWhole(JsonPaths.property(taskPath, "command"), stagePath);
        }
    }

    /** A bash script runs from an inline input file; its templates become environment variables. */
    void bash(JsonNode stage, String id, String stagePath, String taskPath, ObjectNode task) {
        String field = stage.has("bash") ? "bash" : "run";
        String fieldPath = JsonPaths.property(stagePath, field);
        String script = text(stage, field, stagePath);
        String file = SCRIPT_FOLDER + "/" + id + ".sh";
        task.put("command", "bash " + file);
        run.mapWhole(JsonPaths.property(taskPath, "command"), fieldPath);
        run.mapWhole(JsonPaths.property(taskPath, "inputs"), fieldPath);
        if (script == null) {
            return;
        }
        script = params.renameParams(script);
        List<Template> templates;
        try {
            templates = Templates.parse(script);
        } catch (TemplateException e) {
            run.problem(fieldPath, e.getMessage());
            templates = List.of();
        }
        Map<String, String> variables = new LinkedHashMap<>();
        for (Template t : templates) {
            if (t.kind() == Templates.Kind.NEEDS) {
                run.problem(fieldPath, "'${{ " + t.expression() + " }}': outputs of other tasks cannot be read in a bash "
                        + "stage script");
                templates = List.of();
                break;
            }
            variables.computeIfAbsent(t.expression(), e -> "DDEUTIL_T_" + variables.size());
        }
        if (!templates.isEmpty()) {
            ShellTemplates.Result rewritten = ShellTemplates.rewrite(script, templates, t -> variables.get(t.expression()),
                    ShellTemplates.intParams(params.intParams()));
            if (rewritten.problem() != null) {
                run.problem(fieldPath, rewritten.problem());
            } else {
                script = rewritten.text();
                ObjectNode env = task.has("env") && task.get("env").isObject() ? (ObjectNode) task.get("env")
                        : task.putObject("env");
                variables.forEach((expression, variable) -> {
                    env.put(variable, "${{ " + expression + " }}");
                    run.mapWhole(JsonPaths.property(JsonPaths.property(taskPath, "env"), variable), fieldPath);
                });
            }
        }
        task.putArray("inputs").addObject().put("path", file).put("content", script);
    }

    /** A Python script runs from an inline input file; values reach it through the environment. */
    void python(JsonNode stage, String id, String stagePath, String taskPath, ObjectNode task) {
        String fieldPath = JsonPaths.property(stagePath, "run");
        String script = text(stage, "run", stagePath);
        String file = SCRIPT_FOLDER + "/" + id + ".py";
        task.put("command", "python3 " + file);
        run.mapWhole(JsonPaths.property(taskPath, "command"), fieldPath);
        run.mapWhole(JsonPaths.property(taskPath, "inputs"), fieldPath);
        if (script == null) {
            return;
        }
        if (Templates.has(script)) {
            run.problem(fieldPath, "templates ('${{ ... }}') are not substituted into Python source, where a value "
                    + "could inject code; read values from the environment instead: "
                    + "os.environ['CONVEYOR_PARAM_<NAME>'], os.environ['CONVEYOR_MATRIX_<KEY>']");
        }
        task.putArray("inputs").addObject().put("path", file).put("content", script);
    }

    /** {@code text} as one single-quoted shell word. */
    static String singleQuoted(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }
}
