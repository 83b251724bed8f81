package dev.conveyor.submission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.model.InputSpec;
import dev.conveyor.model.JobSpec;
import dev.conveyor.model.MatrixGroup;
import dev.conveyor.model.OutputSpec;
import dev.conveyor.model.Problem;
import dev.conveyor.model.RunsOn;
import dev.conveyor.model.TaskSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class DdeutilWorkflowTranslatorTest {

    private static final Instant NOW = Instant.parse("2026-11-21T07:30:00Z");
    private static final Set<String> PROVIDERS = Set.of("local", "noop", "azure-batch", "aws-batch");
    private final RequestReader reader = new RequestReader();
    private final RequestValidator validator = new RequestValidator(new JsonSchemas());
    private final DdeutilWorkflowTranslator translator = new DdeutilWorkflowTranslator();

    private ObjectNode yaml(String text) throws UnreadableRequestException {
        return reader.read(text.getBytes(StandardCharsets.UTF_8));
    }

    private ObjectNode example(String name) throws Exception {
        return reader.read(Files.readAllBytes(Path.of("examples", name)));
    }

    /** What submission does: translate, validate, map problems back. */
    private List<Problem> problems(JsonNode document) {
        assertThat(DdeutilWorkflowTranslator.isWorkflow(document)).isTrue();
        DdeutilWorkflowTranslator.Translation t = translator.translate((ObjectNode) document);
        return t.merge(validator.validate(t.request(), PROVIDERS));
    }

    private JobSpec normalise(JsonNode document) {
        assertThat(problems(document)).isEmpty();
        return new JobNormalizer().normalize(translator.translate((ObjectNode) document).request(), NOW, () -> "job-1");
    }

    @Test
    void recognisesBothFormsAndNotConveyorRequests() throws Exception {
        assertThat(DdeutilWorkflowTranslator.isWorkflow(yaml("jobs: {a: {stages: [{echo: hi}]}}"))).isTrue();
        assertThat(DdeutilWorkflowTranslator.isWorkflow(yaml("wf: {type: Workflow, jobs: {}}"))).isTrue();
        assertThat(DdeutilWorkflowTranslator.isWorkflow(yaml("tasks: [{id: a, command: x}]"))).isFalse();
        assertThat(DdeutilWorkflowTranslator.isWorkflow(yaml("labels: {type: Workflow}\ntasks: []"))).isFalse();
        assertThat(DdeutilWorkflowTranslator.isWorkflow(yaml("name: x"))).isFalse();
    }

    @Test
    void theEtlExampleTranslatesValidatesAndNormalises() throws Exception {
        JobSpec job = normalise(example("ddeutil-etl.yaml"));

        assertThat(job.name()).isEqualTo("etl-daily");
        assertThat(job.runsOn()).isEqualTo(new RunsOn("local", Map.of()));
        assertThat(job.params()).containsOnlyKeys("run_date", "rows");
        assertThat(job.params().get("rows").asInt()).isEqualTo(4);
        assertThat(job.tasks()).extracting(TaskSpec::id)
                .containsExactly("extract-0", "write-raw", "sum-values", "load-0", "load-1");
        assertThat(job.tasks()).extracting(TaskSpec::needs).containsExactly(
                List.of(), List.of("extract-0"), List.of("write-raw"), List.of("sum-values"), List.of("load-0"));

        TaskSpec announce = job.task("extract-0");
        assertThat(announce.command()).isEqualTo("printf '%s\\n' 'extracting '\"${CONVEYOR_T_0}\"' rows for '\"${CONVEYOR_T_1}\"''");
        assertThat(announce.env()).containsExactly(Map.entry("CONVEYOR_T_0", "4"), Map.entry("CONVEYOR_T_1", "2026-11-21"));

        TaskSpec raw = job.task("write-raw");
        assertThat(raw.command()).isEqualTo("bash .ddeutil/write-raw.sh");
        assertThat(raw.inputs()).singleElement().satisfies(input -> {
            assertThat(input.path()).isEqualTo(".ddeutil/write-raw.sh");
            assertThat(input.content()).contains("for i in $(seq 1 \"${DDEUTIL_T_0}\"); do")
                    .contains("echo \"${DDEUTIL_T_1},$i\"").doesNotContain("${{");
        });
        assertThat(raw.env()).containsExactly(Map.entry("DDEUTIL_T_0", "4"), Map.entry("DDEUTIL_T_1", "2026-11-21"));
        assertThat(raw.outputs()).containsExactly(new OutputSpec("raw.csv", OutputSpec.When.SUCCESS));

        TaskSpec sum = job.task("sum-values");
        assertThat(sum.command()).isEqualTo("python3 .ddeutil/sum-values.py");
        assertThat(sum.inputs()).extracting(InputSpec::path).containsExactly(".ddeutil/sum-values.py");
    }

    @Test
    void theMatrixExampleTranslatesValidatesAndNormalises() throws Exception {
        JobSpec job = normalise(example("ddeutil-matrix.yaml"));

        assertThat(job.name()).isEqualTo("ddeutil-matrix");
        assertThat(job.tasks()).extracting(TaskSpec::id)
                .containsExactly("extract-0-0", "extract-0-1", "extract-0-2", "extract-0-3", "extract-0-4", "extract-0-5",
                        "report-0");
        assertThat(job.matrixGroups()).containsExactly(new MatrixGroup("extract-0",
                List.of("extract-0-0", "extract-0-1", "extract-0-2", "extract-0-3", "extract-0-4", "extract-0-5"), 2, true));
        assertThat(job.tasks().subList(0, 6)).extracting(t -> t.outputs().get(0).pattern()).containsExactly(
                "part-customer-1.csv", "part-customer-2.csv", "part-customer-3.csv",
                "part-sales-1.csv", "part-sales-2.csv", "part-customer-4.csv");
        assertThat(job.task("extract-0-5").env()).containsEntry("CONVEYOR_MATRIX_TABLE", "customer")
                .containsEntry("CONVEYOR_MATRIX_PARTITION", "4").containsEntry("DDEUTIL_T_0", "warehouse");
        assertThat(job.task("report-0").needs()).hasSize(6);
    }

    /** Runs the tasks in order the way the local provider does: inputs and upstream outputs in a fresh folder. */
    @Test
    void bothExamplesRunWithAPlainShell(@TempDir Path root) throws Exception {
        for (String example : List.of("ddeutil-etl.yaml", "ddeutil-matrix.yaml")) {
            JobSpec job = normalise(example(example));
            Map<String, Path> outputs = new HashMap<>();
            StringBuilder log = new StringBuilder();
            for (TaskSpec task : job.tasks()) {
                Path dir = Files.createDirectories(root.resolve(example).resolve(task.id()));
                for (String upstream : task.needs()) {
                    try (Stream<Path> files = Files.list(outputs.get(upstream))) {
                        for (Path f : files.toList()) {
                            Files.copy(f, dir.resolve(f.getFileName()));
                        }
                    }
                }
                for (InputSpec input : task.inputs()) {
                    Path file = dir.resolve(input.path());
                    Files.createDirectories(file.getParent());
                    Files.writeString(file, input.content());
                }
                Map<String, String> env = new HashMap<>(task.env());
                job.params().forEach((k, v) -> env.put("CONVEYOR_PARAM_" + k.toUpperCase(), Templates.render(v)));
                log.append(run(dir, task.command(), env));
                Path out = Files.createDirectories(root.resolve(example + "-out").resolve(task.id()));
                for (OutputSpec o : task.outputs()) {
                    PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + o.pattern());
                    try (Stream<Path> files = Files.list(dir)) {
                        for (Path f : files.filter(f -> m.matches(dir.relativize(f))).toList()) {
                            Files.copy(f, out.resolve(f.getFileName()));
                        }
                    }
                }
                outputs.put(task.id(), out);
            }
            if (example.equals("ddeutil-etl.yaml")) {
                assertThat(log.toString()).contains("extracting 4 rows for 2026-11-21", "wrote 4 rows",
                        "total for 2026-11-21: 10", "{\"day\": \"2026-11-21\", \"total\": 10}", "loaded 2026-11-21");
            } else {
                assertThat(log.toString()).contains("extract warehouse.sales partition 2",
                        "6 partitions extracted: part-customer-1.csv, part-customer-2.csv");
            }
        }
    }

    private static String run(Path dir, String command, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", command).directory(dir.toFile()).redirectErrorStream(true);
        String path = System.getenv("PATH");
        pb.environment().clear();
        pb.environment().put("PATH", path);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(command + ": " + out).isZero();
        return out;
    }

    @Test
    void cliParamsAreTypedInDdeutilDocuments() throws Exception {
        ObjectNode document = example("ddeutil-etl.yaml");
        JsonNode applied = JobNormalizer.applyParams(document, Map.of("rows", "7", "run-date", "2026-12-01"));
        JobSpec job = normalise(applied);
        assertThat(job.params().get("rows").isInt()).isTrue();
        assertThat(job.params().get("rows").asInt()).isEqualTo(7);
        assertThat(job.params().get("run_date").asText()).isEqualTo("2026-12-01");

        assertThat(problems(JobNormalizer.applyParams(document, Map.of("rows", "many"))))
                .extracting(Problem::path, Problem::message).containsExactly(tuple("$['etl-daily'].params.rows.value",
                        "must be a whole number (param 'rows' has type int), got a string 'many'"));

        JsonNode shorthand = JobNormalizer.applyParams(yaml("""
                params: {source: str, when: datetime}
                jobs: {a: {stages: [{echo: "${{ params.source }} ${{ params.when }}"}]}}
                """), Map.of("source", "db", "when", "2026-01-01"));
        assertThat(normalise(shorthand).task("a-0").env()).containsValues("db", "2026-01-01");
        assertThat(problems(yaml("""
                params: {source: str}
                jobs: {a: {stages: [{echo: hi}]}}
                """))).extracting(Problem::path).containsExactly("$.params.source");
    }

    @Test
    void runsOnTypesAndOptionsAreMappedAndResolvedLater() throws Exception {
        JobSpec job = normalise(yaml("""
                wf:
                  type: Workflow
                  jobs:
                    a:
                      runs-on:
                        type: azure_batch
                        with: {batch_account_key: "${AZURE_BATCH_ACCOUNT_KEY}", pool_size: 2}
                      stages: [{echo: hi}]
                    b:
                      needs: a
                      runs-on: {type: azure_batch}
                      trigger-rule: all_done
                      stages: [{type: sh, run: "echo b"}]
                """));
        assertThat(job.runsOn()).isEqualTo(new RunsOn("azure-batch",
                Map.of("batch_account_key", "${AZURE_BATCH_ACCOUNT_KEY}", "pool_size", "2")));
        assertThat(job.task("b-0").always()).isTrue();
        assertThat(job.task("b-0").needs()).containsExactly("a-0");
        assertThat(normalise(yaml("jobs: {a: {runs-on: {type: aws_batch}, stages: [{echo: hi}]}}")).runsOn().type())
                .isEqualTo("aws-batch");
    }

    @Test
    void problemsAreReportedAtTheDocumentsOwnPaths() throws Exception {
        List<Problem> problems = problems(yaml("""
                etl:
                  type: Workflow
                  params:
                    rows: {type: int, default: many}
                    mode: {type: choice, options: [full, delta], default: partial}
                  jobs:
                    first:
                      runs-on: {type: local}
                      stages:
                        - {name: a, echo: "${{ params.rowz }}"}
                        - {name: b, uses: tasks/el@polars}
                        - {name: c, run: "print('${{ params.rows }}')"}
                    second:
                      needs: [frist]
                      runs-on: {type: aws_batch}
                      strategy: {max-parallel: 0, matrix: {x: [1]}, exclude: [{y: 1}]}
                      stages:
                        - {id: dup, bash: "echo ${{ matrix.z }}"}
                        - {id: dup, type: sh, run: "true", env: {bad-name: x}}
                    third:
                      stages: []
                """));
        assertThat(problems).extracting(Problem::path).containsExactly(
                "$.etl.params.rows.default",
                "$.etl.params.mode.default",
                "$.etl.jobs.first.stages[0].echo",
                "$.etl.jobs.first.stages[1].uses",
                "$.etl.jobs.first.stages[2].run",
                "$.etl.jobs.second.needs[0]",
                "$.etl.jobs.second['runs-on']",
                "$.etl.jobs.second.strategy['max-parallel']",
                "$.etl.jobs.second.strategy.exclude[0].y",
                "$.etl.jobs.second.stages[0].bash",
                "$.etl.jobs.second.stages[1].id",
                "$.etl.jobs.second.stages[1].env['bad-name']",
                "$.etl.jobs.third.stages");
        assertThat(problems).extracting(Problem::message).satisfiesExactly(
                m -> assertThat(m).contains("got a string 'many'"),
                m -> assertThat(m).contains("must be one of the options [\"full\",\"delta\"]"),
                m -> assertThat(m).contains("unknown param 'rowz'; did you mean 'rows'?"),
                m -> assertThat(m).contains("'uses'").contains("not supported"),
                m -> assertThat(m).contains("not substituted into Python source").contains("CONVEYOR_PARAM_"),
                m -> assertThat(m).contains("needs 'frist'").contains("did you mean 'first'?"),
                m -> assertThat(m).contains("on one provider"),
                m -> assertThat(m).contains("at least 1"),
                m -> assertThat(m).contains("'y' is not an axis"),
                m -> assertThat(m).contains("unknown matrix key 'z'"),
                m -> assertThat(m).contains("duplicate task id 'dup'"),
                m -> assertThat(m).contains("environment variable name"),
                m -> assertThat(m).contains("has no stages"));
    }

    @Test
    void problemsInsideGeneratedPartsOfATaskPointAtTheStage() throws Exception {
        // an invalid job name gives invalid task ids; an empty stage without echo has no ddeutil field
        assertThat(problems(yaml("""
                jobs:
                  "bad job": {stages: [{name: x}]}
                  ok: {stages: [{sleep: 1}]}
                """))).extracting(Problem::path).containsExactly("$.jobs['bad job'].stages[0]");
        assertThat(validator.validate(translator.translate(yaml("jobs: {a: {stages: [{echo: hi}]}}")).request(),
                Set.of("noop"))).isNotEmpty();
        DdeutilWorkflowTranslator.Translation t = translator.translate(yaml("jobs: {a: {stages: [{echo: hi}]}}"));
        assertThat(t.merge(validator.validate(t.request(), Set.of("noop")))).extracting(Problem::path).containsExactly("$");
    }

    @Test
    void aBashStageNeverSplicesValuesIntoTheScript() throws Exception {
        String evil = "$(touch pwned); echo \"x\" 'y'";
        JobSpec job = normalise(JobNormalizer.applyParams(yaml("""
                params: {who: {type: str, default: x}}
                jobs: {a: {stages: [{id: s, bash: "echo hello ${{ params.who }}; echo 'single ${{ params.who }}'"}]}}
                """), Map.of("who", evil)));
        TaskSpec s = job.task("s");
        assertThat(s.inputs().get(0).content())
                .isEqualTo("echo hello \"${DDEUTIL_T_0}\"; echo 'single '\"${DDEUTIL_T_0}\"''");
        assertThat(s.env()).containsEntry("DDEUTIL_T_0", evil);
    }
}
