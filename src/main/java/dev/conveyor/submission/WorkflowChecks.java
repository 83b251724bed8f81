package dev.conveyor.submission;

import com.fasterxml.jackson.databind.JsonNode;
import dev.conveyor.submission.Templates.Template;
import dev.conveyor.submission.Templates.TemplateException;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The workflow rules of {@link RequestValidator}: matrix strategies (size before expansion, cell ids,
 * keys), the job's size after expansion, and the {@code ${{ }}} templates of commands, env values and
 * output patterns. One instance per validation.
 */
final class WorkflowChecks {

    private static final int MAX_ID_LENGTH = 64;

    private final BiConsumer<String, String> report;
    private final JsonNode tasks;
    private final String tasksPath;
    private final Map<String, Integer> indexOfId;
    private final List<List<int[]>> edges;
    private final Params.Resolved params;
    private final int maxTasks;
    private final int maxMatrixCells;

    /** Per task: its matrix cells (null = no matrix, or not expanded because it is rejected). */
    private final List<List<Map<String, JsonNode>>> cells = new ArrayList<>();
    /** Per task: the keys its matrix cells may have (null = no matrix strategy). */
    private final List<Set<String>> matrixKeys = new ArrayList<>();

    WorkflowChecks(BiConsumer<String, String> report, JsonNode tasks, String tasksPath, Map<String, Integer> indexOfId,
                   List<List<int[]>> edges, Params.Resolved params, int maxTasks, int maxMatrixCells) {
        this.report = report;
        this.tasks = tasks;
        this.tasksPath = tasksPath;
        this.indexOfId = indexOfId;
        this.edges = edges;
        this.params = params;
        this.maxTasks = maxTasks;
        this.maxMatrixCells = maxMatrixCells;
    }

    void check() {
        checkMatrices();
        checkCellIds();
        for (int i = 0; i < tasks.size(); i++) {
            if (tasks.get(i).isObject()) {
                checkTemplates(i, tasks.get(i));
            }
        }
    }

    // ---- matrix ------------------------------------------------------------------------------

    private static JsonNode matrixOf(JsonNode task) {
        JsonNode strategy = task.isObject() ? task.get("strategy") : null;
        JsonNode matrix = strategy != null && strategy.isObject() ? strategy.get("matrix") : null;
        return matrix != null && matrix.isObject() ? matrix : null;
    }

    private void checkMatrices() {
        long total = 0;
        boolean exact = true;
        for (int i = 0; i < tasks.size(); i++) {
            JsonNode task = tasks.get(i);
            JsonNode matrix = matrixOf(task);
            if (matrix == null) {
                cells.add(null);
                matrixKeys.add(task.isObject() && task.has("strategy") ? Set.of() : null);
                total++;
                continue;
            }
            String taskPath = JsonPaths.index(tasksPath, i);
            String matrixPath = JsonPaths.property(JsonPaths.property(taskPath, "strategy"), "matrix");
            List<String> axes = Matrices.axes(matrix);
            matrixKeys.add(Matrices.keys(matrix));
            checkMatrixKeys(matrix, matrixPath, axes);
            long product = Matrices.product(matrix, maxMatrixCells);
            if (product > maxMatrixCells) {
                report.accept(matrixPath, "has more than " + maxMatrixCells + " combinations (" + sizes(matrix, axes)
                        + "); this service accepts at most " + maxMatrixCells + " per matrix");
                cells.add(null);
                total += product;
                exact = false;
                continue;
            }
            if (total > maxTasks) {
                // the job is rejected already: do not spend time expanding more
                cells.add(null);
                total += Math.max(1, product);
                exact = false;
                continue;
            }
            List<Map<String, JsonNode>> expanded = Matrices.expand(matrix);
            total += expanded.size();
            if (expanded.isEmpty()) {
                report.accept(matrixPath, "has no combinations" + (axes.isEmpty() ? ": give it an axis or an include entry"
                        : ": exclude drops every one of them"));
                cells.add(null);
                continue;
            }
            if (expanded.size() > maxMatrixCells) {
                report.accept(matrixPath, "has " + expanded.size() + " cells; this service accepts at most "
                        + maxMatrixCells + " per matrix");
                cells.add(null);
                continue;
            }
            cells.add(expanded);
            JsonNode id = task.get("id");
            if (id != null && id.isTextual()) {
                String last = id.asText() + "-" + (expanded.size() - 1);
                if (last.length() > MAX_ID_LENGTH) {
                    report.accept(JsonPaths.property(taskPath, "id"), "is too long for a matrix task: its cells get ids "
                            + "'<id>-<n>' up to '" + last + "', longer than " + MAX_ID_LENGTH
                            + " characters; shorten it to at most " + (MAX_ID_LENGTH - last.length() + id.asText().length()));
                }
            }
        }
        if (total > maxTasks) {
            report.accept(tasksPath, "expands to " + (exact ? String.valueOf(total) : "more than " + maxTasks)
                    + " tasks with its matrix cells; this service accepts at most " + maxTasks + " per job");
        }
    }

    private static String sizes(JsonNode matrix, List<String> axes) {
        List<String> parts = new ArrayList<>();
        for (String axis : axes) {
            JsonNode v = matrix.get(axis);
            parts.add(axis + ": " + (v.isArray() ? v.size() : 1));
        }
        return String.join(" × ", parts);
    }

    private void checkMatrixKeys(JsonNode matrix, String matrixPath, List<String> axes) {
        Map<String, String> envs = new HashMap<>();
        for (String key : Matrices.keys(matrix)) {
            String other = envs.putIfAbsent(Matrices.env(key), key);
            if (other != null) {
                report.accept(matrixPath, "keys '" + other + "' and '" + key + "' would both be the environment variable "
                        + Matrices.env(key) + "; rename one of them");
            }
        }
        JsonNode excludes = matrix.get(Matrices.EXCLUDE);
        if (excludes == null || !excludes.isArray()) {
            return;
        }
        String excludePath = JsonPaths.property(matrixPath, Matrices.EXCLUDE);
        for (int j = 0; j < excludes.size(); j++) {
            JsonNode exclude = excludes.get(j);
            if (!exclude.isObject()) {
                continue;
            }
            String at = JsonPaths.index(excludePath, j);
            exclude.fieldNames().forEachRemaining(key -> {
                if (!axes.contains(key)) {
                    report.accept(JsonPaths.property(at, key), "'" + key + "' is not an axis of this matrix (axes: "
                            + String.join(", ", axes) + "); exclude entries name axis values");
                }
            });
        }
    }

    /** Cell ids {@code <id>-<n>} must not be the id of another task or cell. */
    private void checkCellIds() {
        Set<String> ids = new HashSet<>(indexOfId.keySet());
        for (int i = 0; i < tasks.size(); i++) {
            List<Map<String, JsonNode>> taskCells = cells.get(i);
            JsonNode id = tasks.get(i).get("id");
            if (taskCells == null || id == null || !id.isTextual()) {
                continue;
            }
            for (int c = 0; c < taskCells.size(); c++) {
                String cellId = id.asText() + "-" + c;
                if (!ids.add(cellId)) {
                    Integer other = indexOfId.get(cellId);
                    report.accept(JsonPaths.property(JsonPaths.index(tasksPath, i), "id"), "matrix task '" + id.asText()
                            + "' gets the cell id '" + cellId + "', which is already the id of "
                            + (other != null ? "the task at " + JsonPaths.index(tasksPath, other) : "a cell of another matrix task")
                            + "; rename one of them");
                    break;
                }
            }
        }
    }

    // ---- templates ---------------------------------------------------------------------------

    private void checkTemplates(int i, JsonNode task) {
        String taskPath = JsonPaths.index(tasksPath, i);
        Map<String, Integer> needed = new LinkedHashMap<>();
        Map<String, String> neededAt = new HashMap<>();
        for (String field : List.of("command", "script")) {
            JsonNode text = task.get(field);
            if (text != null && text.isTextual() && Templates.has(text.asText())) {
                checkText(i, task, JsonPaths.property(taskPath, field), text.asText(), true, needed, neededAt);
            }
        }
        JsonNode env = task.get("env");
        if (env != null && env.isObject()) {
            String envPath = JsonPaths.property(taskPath, "env");
            env.fields().forEachRemaining(e -> {
                if (e.getValue().isTextual() && Templates.has(e.getValue().asText())) {
                    checkText(i, task, JsonPaths.property(envPath, e.getKey()), e.getValue().asText(), false, needed, neededAt);
                }
            });
        }
        JsonNode outputs = task.get("outputs");
        if (outputs != null && outputs.isArray()) {
            String outputsPath = JsonPaths.property(taskPath, "outputs");
            for (int j = 0; j < outputs.size(); j++) {
                JsonNode output = outputs.get(j);
                String at = JsonPaths.index(outputsPath, j);
                JsonNode pattern = output;
                if (output.isObject()) {
                    pattern = output.get("pattern");
                    at = JsonPaths.property(at, "pattern");
                }
                if (pattern != null && pattern.isTextual() && Templates.has(pattern.asText())) {
                    List<Template> templates = checkText(i, task, at, pattern.asText(), false, needed, neededAt);
                    if (templates != null) {
                        checkResolvedPattern(i, at, pattern.asText(), templates);
                    }
                }
            }
        }
        checkAncestors(i, task, needed, neededAt);
    }

    /** Checks one text; returns its templates when they are all fine, else null (problems reported). */
    private List<Template> checkText(int i, JsonNode task, String path, String text, boolean shell,
                                     Map<String, Integer> needed, Map<String, String> neededAt) {
        List<Template> templates;
        try {
            templates = Templates.parse(text);
        } catch (TemplateException e) {
            report.accept(path, e.getMessage());
            return null;
        }
        Set<String> problems = new LinkedHashSet<>();
        Map<String, String> needsEnvs = new HashMap<>();
        String taskId = task.path("id").asText("?");
        for (Template t : templates) {
            String what = "'${{ " + t.expression() + " }}'";
            switch (t.kind()) {
                case PARAMS -> {
                    if (!params.names().contains(t.name())) {
                        problems.add(what + ": " + unknown("param", t.name(), params.names()));
                    }
                }
                case MATRIX -> {
                    Set<String> keys = matrixKeys.get(i);
                    if (keys == null) {
                        problems.add(what + ": task '" + taskId + "' has no matrix strategy, so there is no matrix."
                                + t.name());
                    } else if (!keys.isEmpty() && !keys.contains(t.name())) {
                        problems.add(what + ": " + unknown("matrix key", t.name(), keys));
                    }
                }
                case NEEDS -> {
                    Integer target = indexOfId.get(t.name());
                    if (!shell) {
                        problems.add(what + ": outputs of other tasks are known only when the task runs; "
                                + "read them in command or script, not here");
                    } else if (target == null) {
                        problems.add(what + ": " + unknown("task", t.name(), indexOfId.keySet()));
                    } else if (target == i) {
                        problems.add(what + ": a task cannot read its own outputs");
                    } else if (matrixOf(tasks.get(target)) != null) {
                        problems.add(what + ": task '" + t.name() + "' is a matrix task; the outputs of its cells "
                                + "cannot be read by one name");
                    } else {
                        String other = needsEnvs.putIfAbsent(t.needsEnv(), t.expression());
                        if (other != null && !other.equals(t.expression())) {
                            problems.add(what + " and '${{ " + other + " }}' would both be read from "
                                    + t.needsEnv() + "; rename a task or an output");
                        }
                        needed.putIfAbsent(t.name(), target);
                        neededAt.putIfAbsent(t.name(), path);
                    }
                }
            }
        }
        if (problems.isEmpty() && shell) {
            ShellTemplates.Result rewritten = ShellTemplates.rewrite(text, templates, t -> "V",
                    ShellTemplates.intParams(params.ints()));
            if (rewritten.problem() != null) {
                problems.add(rewritten.problem());
            }
        }
        if (!problems.isEmpty()) {
            report.accept(path, String.join("; ", problems));
            return null;
        }
        return templates;
    }

    /** Suggestions compare with every known name: skip them for huge sets so that many problems stay cheap. */
    private static final int MAX_SUGGESTION_CANDIDATES = 2_000;

    private static String unknown(String what, String name, Set<String> known) {
        String suggestion = known.size() <= MAX_SUGGESTION_CANDIDATES ? NameSuggestions.closest(name, known) : null;
        StringBuilder sb = new StringBuilder("unknown " + what + " '" + name + "'");
        if (suggestion != null) {
            sb.append("; did you mean '").append(suggestion).append("'?");
        } else if (known.isEmpty()) {
            sb.append(" (there are none)");
        } else if (known.size() <= 20) {
            sb.append(" (known: ").append(String.join(", ", known)).append(")");
        }
        return sb.toString();
    }

    /** An output pattern with templates must stay inside the working directory for every value. */
    private void checkResolvedPattern(int i, String path, String pattern, List<Template> templates) {
        List<Map<String, JsonNode>> taskCells = cells.get(i);
        List<Map<String, JsonNode>> each = taskCells != null ? taskCells : List.of(Map.of());
        Set<String> seen = new HashSet<>();
        for (Map<String, JsonNode> cell : each) {
            String resolved = Templates.substitute(pattern, templates, t -> Templates.value(t, params.values(), cell));
            if (!seen.add(resolved)) {
                continue;
            }
            String problem = resolved.isEmpty() ? "is empty once its templates are replaced"
                    : WorkPaths.problemWithPattern(resolved);
            if (problem != null) {
                report.accept(path, "with its templates replaced: " + problem);
                return;
            }
        }
    }

    /** Each task whose outputs the command reads must be one it needs, directly or transitively. */
    private void checkAncestors(int i, JsonNode task, Map<String, Integer> needed, Map<String, String> neededAt) {
        if (needed.isEmpty()) {
            return;
        }
        Set<Integer> wanted = new HashSet<>(needed.values());
        boolean[] seen = new boolean[tasks.size()];
        Deque<Integer> queue = new ArrayDeque<>();
        queue.add(i);
        seen[i] = true;
        while (!queue.isEmpty() && !wanted.isEmpty()) {
            for (int[] edge : edges.get(queue.poll())) {
                int target = edge[1];
                if (!seen[target]) {
                    seen[target] = true;
                    wanted.remove(target);
                    queue.add(target);
                }
            }
        }
        Map<String, List<String>> missingAt = new LinkedHashMap<>();
        needed.forEach((name, index) -> {
            if (wanted.contains(index)) {
                missingAt.computeIfAbsent(neededAt.get(name), k -> new ArrayList<>()).add(name);
            }
        });
        String taskId = task.path("id").asText("?");
        missingAt.forEach((path, names) -> report.accept(path, "reads outputs of " + quoted(names) + ", which task '"
                + taskId + "' does not need (directly or through the tasks it needs); add "
                + (names.size() == 1 ? "it" : "them") + " to its needs"));
    }

    private static String quoted(List<String> names) {
        List<String> q = new ArrayList<>();
        names.forEach(n -> q.add("'" + n + "'"));
        return String.join(", ", q);
    }
}
