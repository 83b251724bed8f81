package dev.conveyor.submission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.model.Problem;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

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
 *       ({@code ${AZURE_BATCH_ACCOUNT_KEY}} is resolved by the service at dispatch, never here, and
 *       only for allow-listed names: {@link OptionVariables}). All jobs
 *       must use the same one.</li>
 * </ul>
 * Templates: {@code ${{ params.x }}} and {@code ${{ matrix.x }}} work in {@code echo}, {@code sh} and
 * {@code bash} scripts (as environment variable references, never spliced into the script) and in
 * {@code env}; a Python script reads values from its environment ({@code CONVEYOR_PARAM_<NAME>},
 * {@code CONVEYOR_MATRIX_<KEY>}) instead, since splicing values into source code would let them
 * inject code. Not supported (reported as problems): stage types {@code uses}, {@code trigger},
 * {@code parallel}, {@code foreach} and the like, {@code if}, py {@code vars}, other trigger rules,
 * {@code stages.*}/{@code jobs.*} templates.
 *
 * <p>The work is shared by {@link DdeutilParams}, {@link DdeutilJobs}, {@link DdeutilStages} and
 * {@link DdeutilStrategies}, which build the request in a {@link DdeutilRun}; the
 * {@link DdeutilPathMap} maps its paths back to the document's.
 */
public final class DdeutilWorkflowTranslator {

    private static final Set<String> BODY_KEYS = Set.of("type", "name", "desc", "description", "on", "params", "jobs",
            "id", "timeout", "labels");

    /** The translated request, the translation's own problems, and how to map paths back. */
    public static final class Translation {
        private final ObjectNode request;
        private final JsonNode original;
        private final List<Problem> problems;
        private final DdeutilPathMap paths;

        Translation(ObjectNode request, JsonNode original, List<Problem> problems, DdeutilPathMap paths) {
            this.request = request;
            this.original = original;
            this.problems = List.copyOf(problems);
            this.paths = paths;
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
            return paths.originalPath(requestPath);
        }

        /**
         * The translation's problems and {@code validation}'s (the translated request's), at ddeutil
         * paths, one per path, in document order.
         */
        public List<Problem> merge(List<Problem> validation) {
            Map<String, Problem> byPath = new LinkedHashMap<>();
            for (Problem p : UnsafeValues.printable(problems)) {
                byPath.putIfAbsent(p.path(), p);
            }
            for (Problem p : validation) {
                String path = UnsafeValues.printable(originalPath(p.path()));
                byPath.putIfAbsent(path, new Problem(path, UnsafeValues.printable(p.message())));
            }
            List<Problem> all = new ArrayList<>(byPath.values());
            all.sort(Comparator.comparing(Problem::path, JsonPaths.documentOrder(original)));
            return List.copyOf(all);
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
        DdeutilParams.apply(body(document).node(), overrides);
    }

    /** Translates a document for which {@link #isWorkflow} is true. */
    public Translation translate(ObjectNode document) {
        DdeutilRun run = new DdeutilRun();
        DdeutilParams params = new DdeutilParams(run);
        DdeutilJobs jobs = new DdeutilJobs(run, new DdeutilStages(run, params), new DdeutilStrategies(run));
        ObjectNode request = run.request();
        run.map(JsonPaths.ROOT, JsonPaths.ROOT);
        // NULs, unpaired surrogates and huge numbers anywhere in the file, at the file's own paths
        UnsafeValues.find(document).forEach(p -> run.problem(p.path(), p.message()));
        List<String> wrappers = wrappers(document);
        Body body = body(document);
        if (body.name() != null) {
            checkBesideWorkflow(run, document, body, wrappers);
        }
        ObjectNode b = body.node();
        b.fieldNames().forEachRemaining(key -> {
            if (!BODY_KEYS.contains(key)) {
                run.problem(JsonPaths.property(body.path(), key), "unknown workflow property '" + key
                        + "' (supported: " + String.join(", ", new TreeSet<>(BODY_KEYS)) + ")");
            }
        });
        JsonNode id = document.has("id") ? document.get("id") : b.get("id");
        if (id != null) {
            request.set("id", id);
            run.map("$.id", document.has("id") ? "$.id" : JsonPaths.property(body.path(), "id"));
        }
        if (b.has("name")) {
            request.set("name", b.get("name"));
            run.map("$.name", JsonPaths.property(body.path(), "name"));
        } else if (body.name() != null) {
            request.put("name", body.name());
            run.mapWhole("$.name", body.path());
        }
        for (String key : List.of("timeout", "labels")) {
            if (b.has(key)) {
                request.set(key, b.get(key));
                run.map(JsonPaths.property(JsonPaths.ROOT, key), JsonPaths.property(body.path(), key));
            }
        }
        params.translate(b.get("params"), JsonPaths.property(body.path(), "params"));
        jobs.translate(b.get("jobs"), JsonPaths.property(body.path(), "jobs"));
        if (!request.has("runsOn")) {
            run.mapWhole("$.runsOn", body.path());
        }
        return run.translation(document);
    }

    /** In the config form, the document holds one workflow and at most an {@code id} beside it. */
    private static void checkBesideWorkflow(DdeutilRun run, ObjectNode document, Body body, List<String> wrappers) {
        if (wrappers.size() > 1) {
            run.problem(JsonPaths.property(JsonPaths.ROOT, wrappers.get(1)), "the document holds several workflows ("
                    + String.join(", ", wrappers) + "); publish one per request");
        }
        document.fields().forEachRemaining(e -> {
            if (!e.getKey().equals(body.name()) && !e.getKey().equals("id") && !wrappers.contains(e.getKey())) {
                run.problem(JsonPaths.property(JsonPaths.ROOT, e.getKey()), "unknown property '" + e.getKey()
                        + "' beside the workflow '" + body.name() + "' (only 'id' may be there)");
            }
        });
    }
}
