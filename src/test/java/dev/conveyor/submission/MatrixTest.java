package dev.conveyor.submission;

import com.fasterxml.jackson.databind.JsonNode;
import dev.conveyor.model.JobSpec;
import dev.conveyor.model.MatrixGroup;
import dev.conveyor.model.Problem;
import dev.conveyor.model.TaskSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class MatrixTest {

    private static final Instant NOW = Instant.parse("2026-11-21T07:30:00Z");
    private final RequestReader reader = new RequestReader();
    private final RequestValidator validator = new RequestValidator(new JsonSchemas());

    private JsonNode yaml(String text) throws UnreadableRequestException {
        return reader.read(text.getBytes(StandardCharsets.UTF_8));
    }

    private List<Problem> problems(String yaml) throws UnreadableRequestException {
        return validator.validate(yaml(yaml), Set.of("local", "noop"));
    }

    private JobSpec normalise(String yaml) throws UnreadableRequestException {
        JsonNode request = yaml(yaml);
        assertThat(validator.validate(request, Set.of("local", "noop"))).isEmpty();
        return new JobNormalizer().normalize(request, NOW, () -> "job-1");
    }

    private static List<Map<String, String>> cells(JobSpec job, String group) {
        List<Map<String, String>> cells = new ArrayList<>();
        for (TaskSpec t : job.tasks()) {
            if (t.group().equals(group)) {
                Map<String, String> cell = new LinkedHashMap<>();
                t.matrix().forEach((k, v) -> cell.put(k, Templates.render(v)));
                cells.add(cell);
            }
        }
        return cells;
    }

    @Test
    void aMatrixTaskBecomesOneTaskPerCellOfTheCartesianProduct() throws Exception {
        JobSpec job = normalise("""
                tasks:
                  - id: prepare
                    command: 'true'
                  - id: test
                    needs: [prepare]
                    strategy:
                      matrix: {os: [linux, mac], py: ["3.11", 3.12]}
                      maxParallel: 2
                      failFast: false
                    command: run-tests --os ${{ matrix.os }} --py ${{ matrix.py }}
                    env: {LABEL: "${{ matrix.os }}-${{ matrix.py }}"}
                    outputs: ["report-${{ matrix.os }}-${{ matrix.py }}.xml"]
                """);
        assertThat(job.tasks()).extracting(TaskSpec::id)
                .containsExactly("prepare", "test-0", "test-1", "test-2", "test-3");
        assertThat(cells(job, "test")).containsExactly(
                Map.of("os", "linux", "py", "3.11"), Map.of("os", "linux", "py", "3.12"),
                Map.of("os", "mac", "py", "3.11"), Map.of("os", "mac", "py", "3.12"));
        TaskSpec t2 = job.task("test-2");
        assertThat(t2.group()).isEqualTo("test");
        assertThat(t2.needs()).containsExactly("prepare");
        assertThat(t2.command()).isEqualTo("run-tests --os \"${CONVEYOR_T_0}\" --py \"${CONVEYOR_T_1}\"");
        assertThat(t2.env()).containsExactly(
                Map.entry("LABEL", "mac-3.11"),
                Map.entry("CONVEYOR_MATRIX_OS", "mac"), Map.entry("CONVEYOR_MATRIX_PY", "3.11"),
                Map.entry("CONVEYOR_T_0", "mac"), Map.entry("CONVEYOR_T_1", "3.11"));
        assertThat(t2.outputs().get(0).pattern()).isEqualTo("report-mac-3.11.xml");
        assertThat(job.task("prepare").group()).isEqualTo("prepare");
        assertThat(job.task("prepare").matrix()).isEmpty();
        assertThat(job.matrixGroups()).containsExactly(
                new MatrixGroup("test", List.of("test-0", "test-1", "test-2", "test-3"), 2, false));
    }

    @Test
    void includeAndExcludeFollowGitHubActions() throws Exception {
        // the example of GitHub's documentation, plus an exclude
        JobSpec job = normalise("""
                tasks:
                  - id: m
                    command: 'true'
                    strategy:
                      matrix:
                        fruit: [apple, pear]
                        animal: [cat, dog]
                        include:
                          - color: green
                          - {color: pink, animal: cat}
                          - {fruit: apple, shape: circle}
                          - fruit: banana
                          - {fruit: banana, animal: cat}
                """);
        assertThat(cells(job, "m")).containsExactly(
                Map.of("fruit", "apple", "animal", "cat", "color", "pink", "shape", "circle"),
                Map.of("fruit", "apple", "animal", "dog", "color", "green", "shape", "circle"),
                Map.of("fruit", "pear", "animal", "cat", "color", "pink"),
                Map.of("fruit", "pear", "animal", "dog", "color", "green"),
                Map.of("fruit", "banana"),
                Map.of("fruit", "banana", "animal", "cat"));
        assertThat(job.matrixGroups().get(0).failFast()).as("GitHub's default").isTrue();
        assertThat(job.matrixGroups().get(0).maxParallel()).as("no limit").isZero();

        JobSpec excluded = normalise("""
                tasks:
                  - id: m
                    command: 'true'
                    strategy:
                      matrix:
                        os: [linux, mac, windows]
                        v: [1, 2]
                        exclude: [{os: mac, v: 1}, {os: windows}]
                        include: [{os: mac, v: 1, extra: true}]
                """);
        assertThat(cells(excluded, "m")).containsExactly(
                Map.of("os", "linux", "v", "1"), Map.of("os", "linux", "v", "2"), Map.of("os", "mac", "v", "2"),
                Map.of("os", "mac", "v", "1", "extra", "true"));
    }

    @Test
    void objectValuesAreRecordedAndRenderedAsJson() throws Exception {
        JobSpec job = normalise("""
                tasks:
                  - id: m
                    command: echo ${{ matrix.target.region }}
                    strategy: {matrix: {target: [{region: eu, size: 2}, {region: us, size: 3}]}}
                """);
        TaskSpec m1 = job.task("m-1");
        assertThat(m1.matrix().get("target").path("size").asInt()).isEqualTo(3);
        assertThat(m1.env()).containsEntry("CONVEYOR_MATRIX_TARGET", "{\"region\":\"us\",\"size\":3}")
                .containsEntry("CONVEYOR_T_0", "us");
    }

    @Test
    void aTaskNeedingAMatrixTaskNeedsAllItsCells() throws Exception {
        JobSpec job = normalise("""
                tasks:
                  - {id: build, command: 'true', strategy: {matrix: {n: [1, 2, 3]}}}
                  - {id: other, command: 'true'}
                  - {id: test, command: 'true', needs: [build], strategy: {matrix: {k: [a, b]}}}
                  - {id: report, command: 'true', needs: [other, test, build], always: true}
                """);
        assertThat(job.task("test-0").needs()).containsExactly("build-0", "build-1", "build-2");
        assertThat(job.task("test-1").needs()).containsExactly("build-0", "build-1", "build-2");
        assertThat(job.task("report").needs())
                .containsExactly("other", "test-0", "test-1", "build-0", "build-1", "build-2");
        assertThat(job.task("report").always()).isTrue();
        assertThat(job.task("other").always()).isFalse();
        assertThat(job.matrixGroups()).extracting(MatrixGroup::id).containsExactly("build", "test");
    }

    @Test
    @Timeout(5)
    void anOversizedMatrixIsRejectedWithoutBeingExpanded() throws Exception {
        String values = "[" + String.join(", ", IntStream.range(0, 1000).mapToObj(Integer::toString).toList()) + "]";
        long start = System.nanoTime();
        List<Problem> problems = problems("""
                tasks:
                  - id: huge
                    command: echo ${{ matrix.a }}
                    strategy: {matrix: {a: %s, b: %s, c: %s}}
                """.formatted(values, values, values));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(problems).extracting(Problem::path, Problem::message).containsExactly(
                tuple("$.tasks", "expands to more than 10000 tasks with its matrix cells; this service accepts at most 10000 per job"),
                tuple("$.tasks[0].strategy.matrix", "has more than 10000 combinations (a: 1000 × b: 1000 × c: 1000); "
                        + "this service accepts at most 10000 per matrix"));
        assertThat(millis).as("a billion cells were not expanded").isLessThan(3000);
    }

    @Test
    void theMatrixLimitIsConfigurableAndIncludesCount() throws Exception {
        RequestValidator small = new RequestValidator(new JsonSchemas(), 100, 4);
        JsonNode request = yaml("""
                tasks:
                  - {id: a, command: 'true', strategy: {matrix: {x: [1, 2], y: [1, 2], include: [{x: 3}]}}}
                  - {id: b, command: 'true', strategy: {matrix: {x: [1, 2, 3, 4, 5]}}}
                """);
        assertThat(small.validate(request, Set.of("local"))).extracting(Problem::path, Problem::message).containsExactly(
                tuple("$.tasks[0].strategy.matrix", "has 5 cells; this service accepts at most 4 per matrix"),
                tuple("$.tasks[1].strategy.matrix", "has more than 4 combinations (x: 5); this service accepts at most 4 per matrix"));
    }

    @Test
    void matrixProblemsAreReportedWithExactPaths() throws Exception {
        List<Problem> problems = problems("""
                tasks:
                  - id: a
                    command: echo ${{ matrix.oss }}
                    strategy: {matrix: {os: [linux, mac], exclude: [{os: linux}]}}
                  - {id: a-0, command: 'true', strategy: {matrix: {os: [linux], exclude: [{os: linux}]}}}
                  - id: b
                    command: 'true'
                    strategy: {matrix: {os: [linux, [nested]], "1x": [a], exclude: [{arch: x}]}, maxParallel: 0, failFast: maybe}
                  - id: c23456789012345678901234567890123456789012345678901234567890123
                    command: 'true'
                    strategy: {matrix: {a-b: [1, 2], a_b: [1]}}
                  - {id: d, command: 'true', strategy: {matrix: {}}}
                """);
        assertThat(problems).extracting(Problem::path).containsExactly(
                "$.tasks[0].id",
                "$.tasks[0].command",
                "$.tasks[1].strategy.matrix",
                "$.tasks[2].strategy.matrix.os[1]",
                "$.tasks[2].strategy.matrix['1x']",
                "$.tasks[2].strategy.matrix.exclude[0].arch",
                "$.tasks[2].strategy.maxParallel",
                "$.tasks[2].strategy.failFast",
                "$.tasks[3].id",
                "$.tasks[3].strategy.matrix",
                "$.tasks[4].strategy.matrix");
        assertThat(problems).extracting(Problem::message).satisfiesExactly(
                m -> assertThat(m).contains("matrix task 'a' gets the cell id 'a-0', which is already the id of the task at $.tasks[1]"),
                m -> assertThat(m).contains("unknown matrix key 'oss'; did you mean 'os'?"),
                m -> assertThat(m).contains("has no combinations: exclude drops every one of them"),
                m -> assertThat(m).contains("got an array"),
                m -> assertThat(m).contains("matrix axis name"),
                m -> assertThat(m).contains("'arch' is not an axis of this matrix (axes: os, 1x)"),
                m -> assertThat(m).contains("at least 1"),
                m -> assertThat(m).contains("boolean"),
                m -> assertThat(m).contains("too long for a matrix task"),
                m -> assertThat(m).contains("'a-b' and 'a_b' would both be the environment variable CONVEYOR_MATRIX_A_B"),
                m -> assertThat(m).contains("at least 1 properties"));
    }

    @Test
    void theJobSizeCountsMatrixCells() throws Exception {
        RequestValidator small = new RequestValidator(new JsonSchemas(), 5, 100);
        assertThat(small.validate(yaml("""
                tasks:
                  - {id: a, command: 'true', strategy: {matrix: {x: [1, 2, 3]}}}
                  - {id: b, command: 'true', strategy: {matrix: {x: [1, 2, 3]}}}
                """), Set.of("local"))).extracting(Problem::path, Problem::message).containsExactly(
                tuple("$.tasks", "expands to 6 tasks with its matrix cells; this service accepts at most 5 per job"));
    }
}
