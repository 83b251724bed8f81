package dev.conveyor.submission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.model.Problem;
import dev.conveyor.submission.Templates.Template;
import dev.conveyor.submission.Templates.TemplateException;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Translates a <a href="https://github.com/ddeutils/ddeutil-workflow">ddeutil-workflow</a> YAML
 * document into a Conveyor request, before validation, so that the request's rules (and its
 * problems) apply to it too; problems are reported at the ddeutil document's paths.
 *
 * <p>Recognised when the document has no {@code tasks} and either a top-level {@code jobs} map (flat
 * form, optionally with {@code name}) or one top-level key whose value is a map with
 * {@code type: Workflow} (ddeutil's config form {@code my-wf: {type: Workflow, params, jobs}}; the
 * key is the job name). Besides {@code params} and {@code jobs}, {@code type}, {@code name},
 * {@code desc}/{@code description} and {@code on} (schedules: ignored, the request runs now) are
 * accepted, and Conveyor's own {@code id}, {@code timeout} and {@code labels}.
 *
 * <ul>
 *   <li>{@code params}: {@code name: str} (type only) or {@code name: {type, default, desc, required}}
 *       becomes a declared param; types {@code str int float bool list map}, {@code dict} → map,
 *       {@code datetime}/{@code date} → str, {@code choice} (with {@code options}) → str whose value
 *       must be one of the options (default: the first). A '-' in a name becomes '_'
 *       ({@code run-date} → {@code run_date}; templates follow).</li>
 *   <li>{@code jobs.<job>.stages[n]} becomes task {@code <job>-<n>}, or the stage's {@code id} when
 *       it is a valid task id; the stages of a job run one after the other. Stage types (explicit
 *       {@code type}, else from the keys present): {@code empty} ({@code echo: text} prints the
 *       text, {@code sleep: seconds}), {@code sh} ({@code run}/{@code sh}: run with {@code sh -c}),
 *       {@code bash} ({@code bash:} or {@code type: bash} + {@code run}: the script is an inline
 *       input file run with {@code bash}), {@code py} ({@code run} without {@code type}: the script
 *       is an inline input file run with {@code python3}). Stage {@code env} becomes the task's env.
 *       Each stage runs in its own working directory: a Conveyor extension, stage {@code outputs}
 *       (as in a request task), passes files to the next stage (and to the first stages of the jobs
 *       that need this job, for the job's last stage).</li>
 *   <li>{@code jobs.<job>.needs}: the job's first stage needs the last stage of each needed job;
 *       {@code trigger-rule: all_done} makes the first stage {@code always}.</li>
 *   <li>{@code strategy}: {@code matrix} (+ {@code include}/{@code exclude}, beside or inside it),
 *       {@code max-parallel} (default 1, as in ddeutil) and {@code fail-fast} (default false) are
 *       given to every stage of the job: each stage becomes a matrix task, and a stage's cells
 *       start when all cells of the previous stage have succeeded.</li>
 *   <li>{@code runs-on: {type, with}}: {@code local}, {@code azure_batch} → {@code azure-batch},
 *       {@code aws_batch} → {@code aws-batch}; {@code with} values are kept as strings
 *       ({@code ${AZURE_BATCH_KEY}} is resolved by the service at dispatch, never here). All jobs
 *       must use the same one.</li>
 * </ul>
 * Templates: {@code ${{ params.x }}} and {@code ${{ matrix.x }}} work in {@code echo}, {@code sh} and
 * {@code bash} scripts (as environment variable references, never spliced into the script) and in
 * {@code env}; a Python script reads values from its environment ({@code CONVEYOR_PARAM_<NAME>},
 * {@code CONVEYOR_MATRIX_<KEY>}) instead, since splicing values into source code would let them
 * inject code. Not supported (reported as problems): stage types {@code uses}, {@code trigger},
 * {@code parallel}, {@code foreach} and the like, {@code if}, py {@code vars}, other trigger rules,
 * {@code stages.*}/{@code jobs.*} templates.
 */
public final class DdeutilWorkflowTranslator {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final Pattern TASK_ID = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$");
    private static final Pattern PARAM_REF = Pattern.compile("(\\$\\{\\{\\s*params\\.)([A-Za-z0-9_-]+)");
    private static final Set<String> BODY_KEYS = Set.of("type", "name", "desc", "description", "on", "params", "jobs",
            "id", "timeout", "labels");
    private static final Set<String> JOB_KEYS = Set.of("id", "name", "desc", "description", "runs-on", "runs_on",
            "stages", "needs", "strategy", "trigger-rule", "trigger_rule", "if");
    private static final Set<String> STAGE_KEYS = Set.of("id", "name", "desc", "description", "type", "echo", "sleep",
            "bash", "sh", "run", "env", "outputs", "if", "vars", "uses", "with", "trigger", "params");
    private static final Map<String, String> PROVIDERS = Map.of("local", "local", "azure_batch", "azure-batch",
            "aws_batch", "aws-batch", "azure-batch", "azure-batch", "aws-batch", "aws-batch");
    static final String SCRIPT_FOLDER = ".ddeutil";

    /** The translated request, the translation's own problems, and how to map paths back. */
    public static final class Translation {
        private final ObjectNode request;
        private final JsonNode original;
        private final List<Problem> problems;
        private final Map<String, String> paths;
        private final Set<String> whole;

        Translation(ObjectNode request, JsonNode original, List<Problem> problems, Map<String, String> paths,
                    Set<String> whole) {
            this.request = request;
            this.original = original;
            this.problems = List.copyOf(problems);
            this.paths = paths;
            this.whole = whole;
        }

        /** The Conveyor request. */
        public ObjectNode request() {
            return request;
        }

        /** Problems found while translating (at ddeutil paths). */
        public List<Problem> problems() {
            return problems;
        }

        /** The ddeutil path a Conveyor request path comes from (its nearest mapped ancestor's). */
        public String originalPath(String requestPath) {
            List<Object> elements = JsonPaths.parse(requestPath);
            for (int len = elements.size(); len >= 0; len--) {
                String prefix = build(JsonPaths.ROOT, elements.subList(0, len));
                String mapped = paths.get(prefix);
                if (mapped != null) {
                    // a task made from a stage has another shape: its parts map to the stage itself
                    return whole.contains(prefix) ? mapped : build(mapped, elements.subList(len, elements.size()));
                }
            }
            return requestPath;
        }

        /**
         * The translation's problems and {@code validation}'s (the translated request's), at ddeutil
         * paths, one per path, in document order.
         */
        public List<Problem> merge(List<Problem> validation) {
            Map<String, Problem> byPath = new LinkedHashMap<>();
            problems.forEach(p -> byPath.putIfAbsent(p.path(), p));
            for (Problem p : validation) {
                String path = originalPath(p.path());
                byPath.putIfAbsent(path, new Problem(path, p.message()));
            }
            List<Problem> all = new ArrayList<>(byPath.values());
            all.sort(Comparator.comparing(Problem::path, JsonPaths.documentOrder(original)));
            return List.copyOf(all);
        }

        private static String build(String base, List<Object> elements) {
            String path = base;
            for (Object e : elements) {
                path = e instanceof Integer i ? JsonPaths.index(path, i) : JsonPaths.property(path, (String) e);
            }
            return path;
        }
    }

    /** Whether {@code document} is a ddeutil-workflow document (see the class comment). */
    public static boolean isWorkflow(JsonNode document) {
        if (document == null || !document.isObject() || document.has("tasks")) {
            return false;
        }
        if (document.path("jobs").isObject()) {
            return true;
        }
        return !wrappers(document).isEmpty();
    }

    private static List<String> wrappers(JsonNode document) {
        List<String> names = new ArrayList<>();
        document.fields().forEachRemaining(e -> {
            JsonNode type = e.getValue().isObject() ? e.getValue().get("type") : null;
            if (type != null && type.isTextual() && isWorkflowType(type.asText())) {
                names.add(e.getKey());
            }
        });
        return names;
    }

    private static boolean isWorkflowType(String type) {
        return type.equals("Workflow") || type.endsWith(".Workflow") || type.endsWith(".Pipeline") || type.equals("Pipeline");
    }

    /** The workflow's own map and its path; for the flat form the document itself. */
    private record Body(ObjectNode node, String path, String name) {
    }

    private static Body body(ObjectNode document) {
        if (document.path("jobs").isObject()) {
            return new Body(document, JsonPaths.ROOT, null);
        }
        String key = wrappers(document).get(0);
        return new Body((ObjectNode) document.get(key), JsonPaths.property(JsonPaths.ROOT, key), key);
    }

    /**
     * Applies the CLI's {@code --param name=value} to a ddeutil document (in place): a declared
     * param gets {@code value}, converted to its type; an undeclared one is added as a plain value.
     */
    static void applyParams(ObjectNode document, Map<String, String> overrides) {
        ObjectNode body = body(document).node();
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

    private static String conveyorName(String ddeutilName) {
        return ddeutilName.replace('-', '_');
    }

    private static String conveyorType(String type) {
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

    /** Translates a document for which {@link #isWorkflow} is true. */
    public Translation translate(ObjectNode document) {
        return new Run(document).translate();
    }

    /** One translation. */
    private static final class Run {
        final ObjectNode document;
        final ObjectNode request = F.objectNode();
        final List<Problem> problems = new ArrayList<>();
        final Map<String, String> paths = new HashMap<>();
        final Set<String> whole = new java.util.HashSet<>();
        final Map<String, String> paramNames = new HashMap<>();
        final Set<String> problemPaths = new LinkedHashSet<>();

        Run(ObjectNode document) {
            this.document = document;
        }

        void problem(String path, String message) {
            if (problemPaths.add(path)) {
                problems.add(new Problem(path, message));
            }
        }

        /** Maps a request path and (with the same suffix) everything under it. */
        void map(String requestPath, String ddeutilPath) {
            paths.put(requestPath, ddeutilPath);
        }

        /** Maps a request path and everything under it to one ddeutil path. */
        void mapWhole(String requestPath, String ddeutilPath) {
            paths.put(requestPath, ddeutilPath);
            whole.add(requestPath);
        }

        Translation translate() {
            map(JsonPaths.ROOT, JsonPaths.ROOT);
            List<String> wrappers = wrappers(document);
            Body body = body(document);
            if (body.name() != null) {
                if (wrappers.size() > 1) {
                    problem(JsonPaths.property(JsonPaths.ROOT, wrappers.get(1)), "the document holds several workflows ("
                            + String.join(", ", wrappers) + "); publish one per request");
                }
                document.fields().forEachRemaining(e -> {
                    if (!e.getKey().equals(body.name()) && !e.getKey().equals("id") && !wrappers.contains(e.getKey())) {
                        problem(JsonPaths.property(JsonPaths.ROOT, e.getKey()), "unknown property '" + e.getKey()
                                + "' beside the workflow '" + body.name() + "' (only 'id' may be there)");
                    }
                });
            }
            ObjectNode b = body.node();
            b.fieldNames().forEachRemaining(key -> {
                if (!BODY_KEYS.contains(key)) {
                    problem(JsonPaths.property(body.path(), key), "unknown workflow property '" + key
                            + "' (supported: " + String.join(", ", new java.util.TreeSet<>(BODY_KEYS)) + ")");
                }
            });
            JsonNode id = document.has("id") ? document.get("id") : b.get("id");
            if (id != null) {
                request.set("id", id);
                map("$.id", document.has("id") ? "$.id" : JsonPaths.property(body.path(), "id"));
            }
            if (b.has("name")) {
                request.set("name", b.get("name"));
                map("$.name", JsonPaths.property(body.path(), "name"));
            } else if (body.name() != null) {
                request.put("name", body.name());
                mapWhole("$.name", body.path());
            }
            for (String key : List.of("timeout", "labels")) {
                if (b.has(key)) {
                    request.set(key, b.get(key));
                    map(JsonPaths.property(JsonPaths.ROOT, key), JsonPaths.property(body.path(), key));
                }
            }
            params(b.get("params"), JsonPaths.property(body.path(), "params"));
            jobs(b.get("jobs"), JsonPaths.property(body.path(), "jobs"));
            if (!request.has("runsOn")) {
                mapWhole("$.runsOn", body.path());
            }
            return new Translation(request, document, problems, paths, whole);
        }

        // ---- params -------------------------------------------------------------------------

        void params(JsonNode params, String path) {
            if (params == null || params.isNull()) {
                return;
            }
            map("$.params", path);
            if (!params.isObject()) {
                problem(path, "must be a map of params (name: type, or name: {type, default})");
                return;
            }
            ObjectNode out = request.putObject("params");
            params.fields().forEachRemaining(e -> {
                String name = e.getKey();
                String at = JsonPaths.property(path, name);
                String cname = conveyorName(name);
                String requestPath = JsonPaths.property("$.params", cname);
                if (paramNames.containsValue(cname)) {
                    problem(at, "param '" + name + "' would be '" + cname + "', like another param; rename one of them");
                    return;
                }
                paramNames.put(name, cname);
                map(requestPath, at);
                JsonNode entry = e.getValue();
                if (entry.isTextual()) {
                    String type = conveyorType(entry.asText());
                    if (type == null) {
                        problem(at, unknownType(entry.asText()));
                        return;
                    }
                    out.set(cname, F.objectNode().put("type", type));
                    mapWhole(JsonPaths.property(requestPath, "type"), at);
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
                problem(JsonPaths.property(at, "type"), unknownType(dtype));
                type = "str";
            }
            out.put("type", type);
            entry.fields().forEachRemaining(e -> {
                switch (e.getKey()) {
                    case "type", "options" -> {
                    }
                    case "default", "value", "required" -> out.set(e.getKey(), e.getValue());
                    case "desc", "description" -> out.put("description", e.getValue().asText());
                    default -> problem(JsonPaths.property(at, e.getKey()), "unknown param property '" + e.getKey()
                            + "' (supported: type, default, value, required, desc, options)");
                }
            });
            if (dtype.equalsIgnoreCase("choice")) {
                JsonNode options = entry.get("options");
                if (options == null || !options.isArray() || options.isEmpty()) {
                    problem(at, "a choice param needs options: a list of the allowed values");
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
                            problem(JsonPaths.property(at, key), "must be one of the options "
                                    + options + ", got " + v);
                        }
                    }
                }
            }
            return out;
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

        // ---- jobs -----------------------------------------------------------------------------

        /** A job's tasks: ids of its first and last stage. */
        record JobTasks(String first, String last, int firstIndex) {
        }

        void jobs(JsonNode jobs, String path) {
            map("$.tasks", path);
            ArrayNode tasks = request.putArray("tasks");
            if (jobs == null || !jobs.isObject() || jobs.isEmpty()) {
                problem(path, "must be a map of jobs, each with stages");
                return;
            }
            // pass 1: task ids, so that needs can name jobs defined later
            Map<String, JobTasks> jobTasks = new LinkedHashMap<>();
            int index = 0;
            for (Iterator<Map.Entry<String, JsonNode>> it = jobs.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode stages = e.getValue().path("stages");
                if (!stages.isArray() || stages.isEmpty()) {
                    continue;
                }
                jobTasks.put(e.getKey(), new JobTasks(taskId(e.getKey(), 0, stages.get(0)),
                        taskId(e.getKey(), stages.size() - 1, stages.get(stages.size() - 1)), index));
                index += stages.size();
            }
            String runsOnJob = null;
            String runsOnType = null;
            for (Iterator<Map.Entry<String, JsonNode>> it = jobs.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String jobName = e.getKey();
                String jobPath = JsonPaths.property(path, jobName);
                JsonNode job = e.getValue();
                if (!job.isObject()) {
                    problem(jobPath, "must be a job: a map with stages");
                    continue;
                }
                job.fieldNames().forEachRemaining(key -> {
                    if (!JOB_KEYS.contains(key)) {
                        problem(JsonPaths.property(jobPath, key), "unknown job property '" + key + "' (supported: "
                                + "stages, needs, strategy, runs-on, trigger-rule, id, desc)");
                    }
                });
                if (job.has("if")) {
                    problem(JsonPaths.property(jobPath, "if"), "conditions ('if') are not supported");
                }
                // runs-on: one provider for the whole job
                String runsOnKey = job.has("runs-on") ? "runs-on" : job.has("runs_on") ? "runs_on" : null;
                if (runsOnKey != null) {
                    String at = JsonPaths.property(jobPath, runsOnKey);
                    String type = runsOn(job.get(runsOnKey), at, runsOnJob == null);
                    if (runsOnJob == null) {
                        runsOnJob = jobName;
                        runsOnType = type;
                    } else if (type != null && !type.equals(runsOnType)) {
                        problem(at, "job '" + jobName + "' runs on '" + type + "' but job '" + runsOnJob + "' on '"
                                + runsOnType + "'; Conveyor runs all jobs of a workflow on one provider");
                    }
                }
                JsonNode stages = job.get("stages");
                String stagesPath = JsonPaths.property(jobPath, "stages");
                if (stages == null || !stages.isArray() || stages.isEmpty()) {
                    problem(stages == null ? jobPath : stagesPath, "job '" + jobName + "' has no stages; give it a list of stages");
                    continue;
                }
                ObjectNode strategy = strategy(job.get("strategy"), JsonPaths.property(jobPath, "strategy"));
                String rule = job.has("trigger-rule") ? "trigger-rule" : job.has("trigger_rule") ? "trigger_rule" : null;
                boolean always = false;
                if (rule != null) {
                    String value = job.get(rule).asText();
                    if (value.equals("all_done")) {
                        always = true;
                    } else if (!value.equals("all_success")) {
                        problem(JsonPaths.property(jobPath, rule), "trigger rule '" + value
                                + "' is not supported (all_success, all_done)");
                    }
                }
                String previous = null;
                for (int n = 0; n < stages.size(); n++) {
                    int taskIndex = tasks.size();
                    String taskPath = JsonPaths.index("$.tasks", taskIndex);
                    String stagePath = JsonPaths.index(stagesPath, n);
                    mapWhole(taskPath, stagePath);
                    ObjectNode task = stage(jobName, n, stages.get(n), stagePath, taskPath);
                    ArrayNode needs = F.arrayNode();
                    if (n == 0) {
                        needs(job, jobPath, jobName, jobTasks, needs, taskPath);
                        if (always) {
                            task.put("always", true);
                            mapWhole(JsonPaths.property(taskPath, "always"), JsonPaths.property(jobPath, rule));
                        }
                    } else {
                        // the chain within a job: its only problems come from duplicate stage ids
                        String idPath = paths.get(JsonPaths.property(taskPath, "id"));
                        mapWhole(JsonPaths.property(taskPath, "needs"), idPath);
                        needs.add(previous);
                    }
                    if (!needs.isEmpty()) {
                        task.set("needs", needs);
                    }
                    if (strategy != null) {
                        task.set("strategy", strategy.deepCopy());
                        mapStrategy(taskPath, JsonPaths.property(jobPath, "strategy"), job.get("strategy"));
                    }
                    previous = task.path("id").asText();
                    tasks.add(task);
                }
            }
        }

        void needs(JsonNode job, String jobPath, String jobName, Map<String, JobTasks> jobTasks, ArrayNode needs,
                   String taskPath) {
            JsonNode jobNeeds = job.get("needs");
            if (jobNeeds == null || jobNeeds.isNull()) {
                return;
            }
            String needsPath = JsonPaths.property(jobPath, "needs");
            map(JsonPaths.property(taskPath, "needs"), needsPath);
            List<JsonNode> list = new ArrayList<>();
            if (jobNeeds.isTextual()) {
                list.add(jobNeeds);
            } else if (jobNeeds.isArray()) {
                jobNeeds.forEach(list::add);
            } else {
                problem(needsPath, "must be a list of job names");
                return;
            }
            for (int j = 0; j < list.size(); j++) {
                String at = jobNeeds.isArray() ? JsonPaths.index(needsPath, j) : needsPath;
                String needed = list.get(j).asText();
                JobTasks upstream = jobTasks.get(needed);
                if (needed.equals(jobName)) {
                    problem(at, "job '" + jobName + "' needs itself");
                } else if (upstream == null) {
                    String suggestion = NameSuggestions.closest(needed, jobTasks.keySet());
                    problem(at, "job '" + jobName + "' needs '" + needed + "', but the workflow has no job with stages by that name"
                            + (suggestion != null ? "; did you mean '" + suggestion + "'?" : ""));
                } else {
                    map(JsonPaths.index(JsonPaths.property(taskPath, "needs"), needs.size()), at);
                    needs.add(upstream.last());
                }
            }
        }

        String runsOn(JsonNode runsOn, String at, boolean first) {
            if (!runsOn.isObject()) {
                problem(at, "must be a map: {type: local | azure_batch | aws_batch, with: {...}}");
                return null;
            }
            String typePath = JsonPaths.property(at, "type");
            String type = PROVIDERS.get(runsOn.path("type").asText("local"));
            if (type == null) {
                problem(typePath, "runs-on type '" + runsOn.path("type").asText() + "' is not supported "
                        + "(local, azure_batch, aws_batch)");
                return null;
            }
            runsOn.fieldNames().forEachRemaining(key -> {
                if (!key.equals("type") && !key.equals("with")) {
                    problem(JsonPaths.property(at, key), "unknown runs-on property '" + key + "' (supported: type, with)");
                }
            });
            if (first) {
                ObjectNode out = request.putObject("runsOn").put("type", type);
                map("$.runsOn", at);
                map("$.runsOn.type", typePath);
                JsonNode with = runsOn.get("with");
                if (with != null && with.isObject()) {
                    ObjectNode options = out.putObject("with");
                    with.fields().forEachRemaining(e -> options.put(e.getKey(),
                            e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString()));
                } else if (with != null && !with.isNull()) {
                    problem(JsonPaths.property(at, "with"), "must be a map of provider options");
                }
            }
            return type;
        }

        ObjectNode strategy(JsonNode strategy, String at) {
            if (strategy == null || strategy.isNull()) {
                return null;
            }
            if (!strategy.isObject()) {
                problem(at, "must be a map: {matrix, include, exclude, max-parallel, fail-fast}");
                return null;
            }
            ObjectNode out = F.objectNode();
            ObjectNode matrix = out.putObject("matrix");
            JsonNode m = strategy.get("matrix");
            if (m != null && m.isObject()) {
                m.fields().forEachRemaining(e -> matrix.set(e.getKey(), e.getValue()));
            } else if (m != null) {
                problem(JsonPaths.property(at, "matrix"), "must be a map of axes (name: [values])");
            }
            for (String list : List.of(Matrices.INCLUDE, Matrices.EXCLUDE)) {
                JsonNode entries = strategy.get(list);
                if (entries != null && entries.isArray()) {
                    ArrayNode merged = matrix.has(list) && matrix.get(list).isArray()
                            ? ((ArrayNode) matrix.get(list)).deepCopy() : F.arrayNode();
                    merged.addAll((ArrayNode) entries);
                    matrix.set(list, merged);
                } else if (entries != null) {
                    problem(JsonPaths.property(at, list), "must be a list of maps");
                }
            }
            int maxParallel = 1;
            boolean failFast = false;
            for (Iterator<Map.Entry<String, JsonNode>> it = strategy.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                switch (e.getKey()) {
                    case "matrix", "include", "exclude" -> {
                    }
                    case "max-parallel", "max_parallel", "maxParallel" -> {
                        if (!e.getValue().canConvertToInt() || !e.getValue().isIntegralNumber() || e.getValue().asInt() < 1) {
                            problem(JsonPaths.property(at, e.getKey()), "must be a whole number of at least 1");
                        } else {
                            maxParallel = e.getValue().asInt();
                        }
                    }
                    case "fail-fast", "fail_fast", "failFast" -> {
                        if (!e.getValue().isBoolean()) {
                            problem(JsonPaths.property(at, e.getKey()), "must be true or false");
                        } else {
                            failFast = e.getValue().asBoolean();
                        }
                    }
                    default -> problem(JsonPaths.property(at, e.getKey()), "unknown strategy property '" + e.getKey()
                            + "' (supported: matrix, include, exclude, max-parallel, fail-fast)");
                }
            }
            out.put("maxParallel", maxParallel);
            out.put("failFast", failFast);
            return out;
        }

        void mapStrategy(String taskPath, String at, JsonNode strategy) {
            String s = JsonPaths.property(taskPath, "strategy");
            map(s, at);
            map(JsonPaths.property(s, "matrix"), JsonPaths.property(at, "matrix"));
            for (String list : List.of(Matrices.INCLUDE, Matrices.EXCLUDE)) {
                if (strategy.has(list)) {
                    map(JsonPaths.property(JsonPaths.property(s, "matrix"), list), JsonPaths.property(at, list));
                }
            }
            for (String key : List.of("max-parallel", "max_parallel", "maxParallel")) {
                if (strategy.has(key)) {
                    map(JsonPaths.property(s, "maxParallel"), JsonPaths.property(at, key));
                }
            }
            for (String key : List.of("fail-fast", "fail_fast", "failFast")) {
                if (strategy.has(key)) {
                    map(JsonPaths.property(s, "failFast"), JsonPaths.property(at, key));
                }
            }
        }

        // ---- stages ---------------------------------------------------------------------------

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
            mapWhole(JsonPaths.property(taskPath, "id"), givenId != null && id.equals(givenId.asText())
                    ? JsonPaths.property(stagePath, "id") : stagePath);
            if (!stage.isObject()) {
                problem(stagePath, "must be a stage: a map such as {name: ..., bash: ...}");
                task.put("command", "true");
                return task;
            }
            for (Iterator<String> it = stage.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                if (!STAGE_KEYS.contains(key)) {
                    problem(JsonPaths.property(stagePath, key), "unknown or unsupported stage property '" + key
                            + "' (supported: name, id, desc, type, echo, sleep, sh, bash, run, env, outputs)");
                }
            }
            for (String unsupported : List.of("uses", "trigger", "if", "vars")) {
                if (stage.has(unsupported)) {
                    problem(JsonPaths.property(stagePath, unsupported), switch (unsupported) {
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
                        e.getValue().isTextual() ? F.textNode(renameParams(e.getValue().asText())) : e.getValue()));
                map(JsonPaths.property(taskPath, "env"), JsonPaths.property(stagePath, "env"));
            } else if (env != null) {
                task.set("env", env);
                map(JsonPaths.property(taskPath, "env"), JsonPaths.property(stagePath, "env"));
            }
            JsonNode outputs = stage.get("outputs");
            if (outputs != null) {
                JsonNode copy = outputs.deepCopy();
                if (copy.isArray()) {
                    for (int o = 0; o < copy.size(); o++) {
                        if (copy.get(o).isTextual()) {
                            ((ArrayNode) copy).set(o, F.textNode(renameParams(copy.get(o).asText())));
                        }
                    }
                }
                task.set("outputs", copy);
                map(JsonPaths.property(taskPath, "outputs"), JsonPaths.property(stagePath, "outputs"));
            }
            String type = stageType(stage);
            switch (type) {
                case "empty" -> empty(stage, stagePath, taskPath, task);
                case "sh" -> {
                    String field = stage.has("sh") ? "sh" : stage.has("bash") ? "bash" : "run";
                    String script = text(stage, field, stagePath);
                    task.put("script", script == null ? "true" : renameParams(script));
                    mapWhole(JsonPaths.property(taskPath, "script"), JsonPaths.property(stagePath, field));
                }
                case "bash" -> bash(stage, id, stagePath, taskPath, task);
                case "py" -> python(stage, id, stagePath, taskPath, task);
                default -> {
                    if (!stage.has("uses") && !stage.has("trigger")) {
                        problem(stage.has("type") ? JsonPaths.property(stagePath, "type") : stagePath,
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
                problem(value == null ? stagePath : JsonPaths.property(stagePath, field),
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
                parts.add("printf '%s\\n' " + singleQuoted(renameParams(text)));
                mapWhole(JsonPaths.property(taskPath, "command"), JsonPaths.property(stagePath, "echo"));
            }
            JsonNode sleep = stage.get("sleep");
            if (sleep != null && !sleep.isNull()) {
                if (!sleep.isNumber() || sleep.asDouble() < 0) {
                    problem(JsonPaths.property(stagePath, "sleep"), "must be a number of seconds");
                } else {
                    parts.add("sleep " + sleep.decimalValue().toPlainString());
                }
            }
            task.put("command", parts.isEmpty() ? "true" : String.join(" && ", parts));
            if (echo == null || echo.isNull()) {
                mapWhole(JsonPaths.property(taskPath, "command"), stagePath);
            }
        }

        /** A bash script runs from an inline input file; its templates become environment variables. */
        void bash(JsonNode stage, String id, String stagePath, String taskPath, ObjectNode task) {
            String field = stage.has("bash") ? "bash" : "run";
            String fieldPath = JsonPaths.property(stagePath, field);
            String script = text(stage, field, stagePath);
            String file = SCRIPT_FOLDER + "/" + id + ".sh";
            task.put("command", "bash " + file);
            mapWhole(JsonPaths.property(taskPath, "command"), fieldPath);
            mapWhole(JsonPaths.property(taskPath, "inputs"), fieldPath);
            if (script == null) {
                return;
            }
            script = renameParams(script);
            List<Template> templates;
            try {
                templates = Templates.parse(script);
            } catch (TemplateException e) {
                problem(fieldPath, e.getMessage());
                templates = List.of();
            }
            Map<String, String> variables = new LinkedHashMap<>();
            for (Template t : templates) {
                if (t.kind() == Templates.Kind.NEEDS) {
                    problem(fieldPath, "'${{ " + t.expression() + " }}': outputs of other tasks cannot be read in a bash "
                            + "stage script");
                    templates = List.of();
                    break;
                }
                variables.computeIfAbsent(t.expression(), e -> "DDEUTIL_T_" + variables.size());
            }
            if (!templates.isEmpty()) {
                ShellTemplates.Result rewritten = ShellTemplates.rewrite(script, templates, t -> variables.get(t.expression()));
                if (rewritten.problem() != null) {
                    problem(fieldPath, rewritten.problem());
                } else {
                    script = rewritten.text();
                    ObjectNode env = task.has("env") && task.get("env").isObject() ? (ObjectNode) task.get("env")
                            : task.putObject("env");
                    variables.forEach((expression, variable) -> {
                        env.put(variable, "${{ " + expression + " }}");
                        mapWhole(JsonPaths.property(JsonPaths.property(taskPath, "env"), variable), fieldPath);
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
            mapWhole(JsonPaths.property(taskPath, "command"), fieldPath);
            mapWhole(JsonPaths.property(taskPath, "inputs"), fieldPath);
            if (script == null) {
                return;
            }
            if (Templates.has(script)) {
                problem(fieldPath, "templates ('${{ ... }}') are not substituted into Python source, where a value "
                        + "could inject code; read values from the environment instead: "
                        + "os.environ['CONVEYOR_PARAM_<NAME>'], os.environ['CONVEYOR_MATRIX_<KEY>']");
            }
            task.putArray("inputs").addObject().put("path", file).put("content", script);
        }
    }

    /** {@code text} as one single-quoted shell word. */
    static String singleQuoted(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }
}
