package dev.conveyor.submission;

import com.fasterxml.jackson.databind.JsonNode;
import dev.conveyor.model.Problem;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks a request (as read by {@link RequestReader}) against the schema {@value #SCHEMA} and the
 * rules a schema cannot express, and returns ALL problems in one pass, each with the JSON path of the
 * offending value ({@code $.tasks[1].needs[0]}). An empty list means the request can be given to
 * {@link JobNormalizer#normalize}. Thread-safe.
 *
 * <p>Semantic rules: task ids are unique; every {@code needs} entry names another task of the job;
 * the {@code needs} graph has no cycle; duration strings are valid; input paths are relative, without
 * {@code ..}, and unique within a task; output patterns stay in the working directory;
 * {@code runsOn.type} (default {@code local}) is enabled on the service; a {@code ${NAME}} in
 * {@code runsOn.with} names an allow-listed variable ({@link OptionVariables}); no string holds a NUL
 * or an unpaired surrogate and no number is beyond a 64-bit float ({@link UnsafeValues}); declared params have values
 * of their type ({@link Params}); every {@code ${{ }}} template is well formed and names a known
 * param, a key of the task's matrix, or an output of a task the task needs directly or transitively
 * ({@link Templates}), and can be rewritten safely into its command ({@link ShellTemplates}); a
 * matrix has at most {@code maxMatrixCells} combinations, computed before it is expanded
 * ({@link Matrices}), and its cell ids clash with no other task id; the job has at most
 * {@code maxTasks} tasks after matrix expansion. A value the schema already rejected is not
 * reported again. Every check is linear in the size of the request (plus its matrix cells).
 */
public final class RequestValidator {

    public static final String SCHEMA = "job-request";
    /** The schema's own limit on the number of tasks. */
    public static final int DEFAULT_MAX_TASKS = 10_000;
    /** Default limit on the cells of one matrix. */
    public static final int DEFAULT_MAX_MATRIX_CELLS = 10_000;
    static final String DEFAULT_PROVIDER = "local";

    private final JsonSchemas schemas;
    private final int maxTasks;
    private final int maxMatrixCells;
    private final OptionVariables optionVariables;

    public RequestValidator(JsonSchemas schemas) {
        this(schemas, DEFAULT_MAX_TASKS);
    }

    /** @param maxTasks most tasks a job may have on this service (at most {@value #DEFAULT_MAX_TASKS}) */
    public RequestValidator(JsonSchemas schemas, int maxTasks) {
        this(schemas, maxTasks, DEFAULT_MAX_MATRIX_CELLS);
    }

    /**
     * @param maxTasks       most tasks a job may have on this service, after matrix expansion (at most
     *                       {@value #DEFAULT_MAX_TASKS})
     * @param maxMatrixCells most cells one matrix may have (also the most combinations of its axes)
     */
    public RequestValidator(JsonSchemas schemas, int maxTasks, int maxMatrixCells) {
        this(schemas, maxTasks, maxMatrixCells, OptionVariables.DEFAULT_ALLOWED_NAMES);
    }

    /**
     * @param maxTasks         most tasks a job may have on this service, after matrix expansion (at
     *                         most {@value #DEFAULT_MAX_TASKS})
     * @param maxMatrixCells   most cells one matrix may have (also the most combinations of its axes)
     * @param allowedVariables the names a {@code ${NAME}} in {@code runsOn.with} may refer to
     *                         ({@value OptionVariables#SETTING}; default {@link OptionVariables#DEFAULT_ALLOWED})
     */
    public RequestValidator(JsonSchemas schemas, int maxTasks, int maxMatrixCells, Set<String> allowedVariables) {
        this.schemas = Objects.requireNonNull(schemas);
        this.optionVariables = new OptionVariables(Objects.requireNonNull(allowedVariables, "allowedVariables"));
        if (maxTasks < 1) {
            throw new IllegalArgumentException("maxTasks must be at least 1, got " + maxTasks);
        }
        if (maxMatrixCells < 1) {
            throw new IllegalArgumentException("maxMatrixCells must be at least 1, got " + maxMatrixCells);
        }
        this.maxTasks = maxTasks;
        this.maxMatrixCells = maxMatrixCells;
    }

    /**
     * @param request            the request object
     * @param availableProviders provider types enabled on this service (e.g. {@code local}, {@code noop})
     * @return every problem, sorted in document order (problems at the same path keep schema ones
     *         first); empty = valid
     */
    public List<Problem> validate(JsonNode request, Set<String> availableProviders) {
        Objects.requireNonNull(availableProviders, "availableProviders");
        // a value no task can receive is reported alone at its path: other rules would only
        // misdescribe it (the schema calls 1e999999 "less than 1")
        List<Problem> unsafe = UnsafeValues.find(request);
        Set<String> unsafePaths = new HashSet<>();
        unsafe.forEach(p -> unsafePaths.add(p.path()));
        List<Problem> schemaProblems = new ArrayList<>(UnsafeValues.printable(schemas.validate(SCHEMA, request)));
        schemaProblems.removeIf(p -> unsafePaths.contains(p.path()));
        Checker checker = new Checker(schemaProblems, unsafePaths, availableProviders);
        if (request != null && request.isObject()) {
            checker.check(request);
        }
        Set<Problem> unique = new LinkedHashSet<>(unsafe);
        unique.addAll(schemaProblems);
        for (Problem p : UnsafeValues.printable(checker.problems)) {
            if (!unsafePaths.contains(p.path())) {
                unique.add(p);
            }
        }
        List<Problem> all = new ArrayList<>(unique);
        if (request != null) {
            all.sort(Comparator.comparing(Problem::path, JsonPaths.documentOrder(request)));
        }
        return List.copyOf(all);
    }

    /** One validation run. */
    private final class Checker {
        final Set<String> reportedPaths = new HashSet<>();
        final List<Problem> problems = new ArrayList<>();
        final Set<String> providers;

        Checker(List<Problem> schemaProblems, Set<String> unsafePaths, Set<String> providers) {
            schemaProblems.forEach(p -> reportedPaths.add(p.path()));
            reportedPaths.addAll(unsafePaths);
            this.providers = providers;
        }

        /** Adds a problem unless the schema (or an earlier rule) already reported that path. */
        void report(String path, String message) {
            if (reportedPaths.add(path)) {
                problems.add(new Problem(path, message));
            }
        }

        void check(JsonNode request) {
            checkProvider(request.get("runsOn"));
            checkDuration(JsonPaths.property(JsonPaths.ROOT, "timeout"), request.get("timeout"));
            Params.Resolved params = Params.resolve(request.get("params"),
                    JsonPaths.property(JsonPaths.ROOT, "params"), this::report);
            JsonNode tasks = request.get("tasks");
            if (tasks == null || !tasks.isArray()) {
                return;
            }
            String tasksPath = JsonPaths.property(JsonPaths.ROOT, "tasks");
            if (tasks.size() > maxTasks) {
                report(tasksPath, "has " + tasks.size() + " tasks; this service accepts at most " + maxTasks + " per job");
            }
            Map<String, Integer> firstIndexOfId = new LinkedHashMap<>();
            for (int i = 0; i < tasks.size(); i++) {
                JsonNode task = tasks.get(i);
                String taskPath = JsonPaths.index(tasksPath, i);
                if (!task.isObject()) {
                    continue;
                }
                JsonNode id = task.get("id");
                if (id != null && id.isTextual()) {
                    Integer first = firstIndexOfId.putIfAbsent(id.asText(), i);
                    if (first != null) {
                        report(JsonPaths.property(taskPath, "id"), "duplicate task id '" + id.asText()
                                + "': already used by the task at " + JsonPaths.index(tasksPath, first));
                    }
                }
                checkDuration(JsonPaths.property(taskPath, "timeout"), task.get("timeout"));
                checkInputs(taskPath, task.get("inputs"));
                checkOutputs(taskPath, task.get("outputs"));
            }
            List<List<int[]>> edges = checkNeeds(tasks, tasksPath, firstIndexOfId);
            new WorkflowChecks(this::report, tasks, tasksPath, firstIndexOfId, edges, params, maxTasks, maxMatrixCells).check();
        }

        void checkProvider(JsonNode runsOn) {
            String enabled = String.join(", ", new TreeSet<>(providers));
            if (enabled.isEmpty()) {
                enabled = "none";
            }
            if (runsOn == null || runsOn.isNull()) {
                if (!providers.contains(DEFAULT_PROVIDER)) {
                    report(JsonPaths.property(JsonPaths.ROOT, "runsOn"), "is missing, so the job would run on '"
                            + DEFAULT_PROVIDER + "', which is not enabled on this service (enabled: " + enabled
                            + "); set runsOn.type");
                }
                return;
            }
            String runsOnPath = JsonPaths.property(JsonPaths.ROOT, "runsOn");
            JsonNode type = runsOn.get("type");
            if (type != null && type.isTextual() && !providers.contains(type.asText())) {
                report(JsonPaths.property(runsOnPath, "type"),
                        "provider '" + type.asText() + "' is not enabled on this service (enabled: " + enabled + ")");
            }
            JsonNode with = runsOn.get("with");
            if (with != null && with.isObject()) {
                String withPath = JsonPaths.property(runsOnPath, "with");
                with.fields().forEachRemaining(option -> {
                    String problem = option.getValue().isTextual() ? optionVariables.problemWith(option.getValue().asText()) : null;
                    if (problem != null) {
                        report(JsonPaths.property(withPath, option.getKey()), problem);
                    }
                });
            }
        }

        void checkDuration(String path, JsonNode value) {
            if (value == null || !(value.isTextual() || value.isNumber())) {
                return;
            }
            try {
                Durations.toSeconds(value);
            } catch (Durations.InvalidDurationException e) {
                report(path, e.getMessage());
            }
        }

        void checkInputs(String taskPath, JsonNode inputs) {
            if (inputs == null || !inputs.isArray()) {
                return;
            }
            String inputsPath = JsonPaths.property(taskPath, "inputs");
            Map<String, Integer> seen = new HashMap<>();
            for (int j = 0; j < inputs.size(); j++) {
                JsonNode path = inputs.get(j).get("path");
                if (path == null || !path.isTextual()) {
                    continue;
                }
                String at = JsonPaths.property(JsonPaths.index(inputsPath, j), "path");
                String problem = WorkPaths.problemWith(path.asText());
                if (problem != null) {
                    report(at, problem);
                    continue;
                }
                Integer first = seen.putIfAbsent(WorkPaths.normalize(path.asText()), j);
                if (first != null) {
                    report(at, "'" + path.asText() + "' is already the path of "
                            + JsonPaths.property(JsonPaths.index(inputsPath, first), "path")
                            + "; two inputs of a task cannot write the same file");
                }
            }
        }

        void checkOutputs(String taskPath, JsonNode outputs) {
            if (outputs == null || !outputs.isArray()) {
                return;
            }
            String outputsPath = JsonPaths.property(taskPath, "outputs");
            for (int j = 0; j < outputs.size(); j++) {
                JsonNode output = outputs.get(j);
                String at = JsonPaths.index(outputsPath, j);
                JsonNode pattern = output;
                if (output.isObject()) {
                    pattern = output.get("pattern");
                    at = JsonPaths.property(at, "pattern");
                }
                if (pattern != null && pattern.isTextual()) {
                    String problem = WorkPaths.problemWithPattern(pattern.asText());
                    if (problem != null) {
                        report(at, problem);
                    }
                }
            }
        }

        List<List<int[]>> checkNeeds(JsonNode tasks, String tasksPath, Map<String, Integer> indexOfId) {
            // edges of the dependency graph: task index -> (needs index, needed task index)
            List<List<int[]>> edges = new ArrayList<>();
            for (int i = 0; i < tasks.size(); i++) {
                List<int[]> out = new ArrayList<>();
                edges.add(out);
                JsonNode task = tasks.get(i);
                JsonNode needs = task.isObject() ? task.get("needs") : null;
                if (needs == null || !needs.isArray()) {
                    continue;
                }
                String taskId = task.path("id").asText("?");
                String needsPath = JsonPaths.property(JsonPaths.index(tasksPath, i), "needs");
                for (int k = 0; k < needs.size(); k++) {
                    JsonNode need = needs.get(k);
                    if (!need.isTextual()) {
                        continue;
                    }
                    String at = JsonPaths.index(needsPath, k);
                    Integer target = indexOfId.get(need.asText());
                    if (target == null) {
                        report(at, unknownTask(need.asText(), taskId, indexOfId.keySet()));
                    } else if (need.asText().equals(taskId)) {
                        report(at, "task '" + taskId + "' needs itself; a task cannot wait for its own result");
                    } else {
                        out.add(new int[]{k, target});
                    }
                }
            }
            findCycles(tasks, tasksPath, edges);
            return edges;
        }

        /** Reports each back edge of an (iterative) depth-first search: the need that closes a cycle. */
        void findCycles(JsonNode tasks, String tasksPath, List<List<int[]>> edges) {
            int n = edges.size();
            int[] state = new int[n]; // 0 = new, 1 = on the current path, 2 = done
            int[] nextEdge = new int[n];
            for (int start = 0; start < n; start++) {
                if (state[start] != 0) {
                    continue;
                }
                Deque<Integer> path = new ArrayDeque<>();
                path.addLast(start);
                state[start] = 1;
                while (!path.isEmpty()) {
                    int node = path.peekLast();
                    if (nextEdge[node] < edges.get(node).size()) {
                        int[] edge = edges.get(node).get(nextEdge[node]++);
                        int target = edge[1];
                        if (state[target] == 0) {
                            state[target] = 1;
                            path.addLast(target);
                        } else if (state[target] == 1) {
                            List<String> cycle = new ArrayList<>();
                            boolean inCycle = false;
                            for (int member : path) {
                                inCycle |= member == target;
                                if (inCycle) {
                                    cycle.add(tasks.get(member).path("id").asText());
                                }
                            }
                            cycle.add(tasks.get(target).path("id").asText());
                            String at = JsonPaths.index(JsonPaths.property(JsonPaths.index(tasksPath, node), "needs"), edge[0]);
                            report(at, "dependency cycle: " + String.join(" → ", cycle)
                                    + "; no task of a cycle could ever start");
                        }
                    } else {
                        state[node] = 2;
                        path.removeLast();
                    }
                }
            }
        }

        String unknownTask(String need, String taskId, Set<String> ids) {
            String suggestion = NameSuggestions.closest(need, ids);
            StringBuilder sb = new StringBuilder("task '" + taskId + "' needs '" + need + "', but the job has no task with that id");
            if (suggestion != null && !suggestion.equals(taskId)) {
                sb.append("; did you mean '").append(suggestion).append("'?");
            } else if (ids.size() <= 20) {
                sb.append(" (task ids: ").append(String.join(", ", ids)).append(")");
            }
            return sb.toString();
        }
    }
}
