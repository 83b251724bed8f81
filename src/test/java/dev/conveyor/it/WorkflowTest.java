package dev.conveyor.it;

import dev.conveyor.model.JobState;
import dev.conveyor.model.Problem;
import dev.conveyor.model.TaskState;
import dev.conveyor.model.result.JobResult;
import dev.conveyor.model.result.TaskResult;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Workflow semantics through the real broker: DAGs, values, matrices, templating, ddeutil files. */
@QuarkusTest
class WorkflowTest extends PipelineTestBase {

    private static TaskResult task(JobResult r, String id) {
        return r.tasks().stream().filter(t -> t.id().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void diamondDagPassesValuesFromBothBranchesIntoTheFanInTask() {
        String id = newId("diamond");
        JobResult result = run(id, """
                id: %s
                tasks:
                  - id: start
                    command: echo "base=10" >> "$CONVEYOR_OUTPUTS"
                  - id: left
                    needs: [start]
                    command: base=${{ needs.start.outputs.base }}; echo "value=$((base + 1))" >> "$CONVEYOR_OUTPUTS"
                  - id: right
                    needs: [start]
                    command: echo "value=$(( $CONVEYOR_NEEDS_START_BASE * 2 ))" >> "$CONVEYOR_OUTPUTS"
                  - id: join
                    needs: [left, right]
                    command: echo "${{ needs.left.outputs.value }}+${{ needs.right.outputs.value }} from ${{ needs.start.outputs.base }}"
                """.formatted(id));

        assertThat(result.status()).isEqualTo(JobState.SUCCEEDED);
        assertThat(task(result, "left").values()).containsEntry("value", "11");
        assertThat(task(result, "right").values()).containsEntry("value", "20");
        assertThat(task(result, "join").stdoutTail()).isEqualTo("11+20 from 10\n");
        assertThat(task(result, "join").startedAt())
                .isAfterOrEqualTo(task(result, "left").finishedAt())
                .isAfterOrEqualTo(task(result, "right").finishedAt());
    }

    @Test
    void matrixRunsEveryCellWithItsValuesAndNeverMoreThanMaxParallelAtOnce() {
        String id = newId("matrix");
        JobResult result = run(id, """
                id: %s
                tasks:
                  - id: cell
                    strategy:
                      maxParallel: 2
                      matrix:
                        size: [s, m]
                        n: [1, 2, 3]
                    command: echo "${{ matrix.size }}-${{ matrix.n }} $CONVEYOR_MATRIX_SIZE"; sleep 1
                  - id: gather
                    needs: [cell]
                    command: echo gathered
                """.formatted(id));

        assertThat(result.status()).isEqualTo(JobState.SUCCEEDED);
        List<TaskResult> cells = result.tasks().stream().filter(t -> t.id().startsWith("cell-")).toList();
        assertThat(cells).hasSize(6);
        assertThat(cells).extracting(TaskResult::stdoutTail).containsExactlyInAnyOrder(
                "s-1 s\n", "s-2 s\n", "s-3 s\n", "m-1 m\n", "m-2 m\n", "m-3 m\n");
        assertThat(maxOverlap(cells)).isLessThanOrEqualTo(2);
        assertThat(task(result, "gather").startedAt())
                .isAfterOrEqualTo(cells.stream().map(TaskResult::finishedAt).max(Instant::compareTo).orElseThrow());
    }

    /** The largest number of tasks whose [start, finish) intervals overlap, from the recorded timings. */
    private static int maxOverlap(List<TaskResult> tasks) {
        List<Map.Entry<Instant, Integer>> edges = new ArrayList<>();
        for (TaskResult t : tasks) {
            edges.add(Map.entry(t.startedAt(), 1));
            edges.add(Map.entry(t.finishedAt(), -1));
        }
        edges.sort(Map.Entry.<Instant, Integer>comparingByKey().thenComparing(Map.Entry::getValue));
        int now = 0;
        int max = 0;
        for (Map.Entry<Instant, Integer> e : edges) {
            now += e.getValue();
            max = Math.max(max, now);
        }
        return max;
    }

    @Test
    void failFastMatrixStopsTheOtherCellsWhenOneFailsAndAnAlwaysTaskStillRuns() {
        String id = newId("failfast");
        JobResult result = run(id, """
                id: %s
                tasks:
                  - id: cell
                    strategy:
                      maxParallel: 2
                      failFast: true
                      matrix:
                        n: [1, 2, 3, 4]
                    command: if [ "${{ matrix.n }}" = 1 ]; then exit 9; fi; sleep 60
                  - id: report
                    needs: [cell]
                    command: echo should not run
                  - id: cleanup
                    needs: [cell]
                    always: true
                    command: echo cleaned up
                """.formatted(id));

        assertThat(result.status()).isEqualTo(JobState.FAILED);
        assertThat(task(result, "cell-0").status()).isEqualTo(TaskState.FAILED);
        assertThat(result.tasks().stream().filter(t -> t.id().startsWith("cell-") && !t.id().equals("cell-0")))
                .allSatisfy(t -> {
                    assertThat(t.status()).isIn(TaskState.CANCELLED, TaskState.SKIPPED);
                    assertThat(t.reason()).contains("fail-fast");
                });
        assertThat(task(result, "report").status()).isEqualTo(TaskState.SKIPPED);
        assertThat(task(result, "report").reason()).contains("upstream task");
        assertThat(task(result, "cleanup").status()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(task(result, "cleanup").stdoutTail()).isEqualTo("cleaned up\n");
        assertThat(result.durationMs()).isLessThan(50_000L);
    }

    @Test
    void aShellInjectionParamArrivesAsLiteralText() {
        String id = newId("inject");
        JobResult result = run(id, """
                id: %s
                params:
                  name: {type: str, default: "$(rm -rf ~); echo pwned"}
                tasks:
                  - id: greet
                    command: echo "hello ${{ params.name }}"; echo bare ${{ params.name }}
                """.formatted(id));

        assertThat(result.status()).isEqualTo(JobState.SUCCEEDED);
        assertThat(task(result, "greet").stdoutTail())
                .isEqualTo("hello $(rm -rf ~); echo pwned\nbare $(rm -rf ~); echo pwned\n");
    }

    @Test
    void ddeutilEtlExampleRunsEndToEnd() throws Exception {
        String id = newId("ddeutil-etl");
        JobResult result = run(id, example("ddeutil-etl.yaml"));

        assertThat(result.status()).as(String.valueOf(result)).isEqualTo(JobState.SUCCEEDED);
        assertThat(result.tasks()).hasSizeGreaterThanOrEqualTo(3)
                .allSatisfy(t -> assertThat(t.status()).isEqualTo(TaskState.SUCCEEDED));
        assertThat(result.tasks().stream().map(TaskResult::stdoutTail).filter(s -> s != null && s.contains("total for")))
                .isNotEmpty();
    }

    @Test
    void ddeutilMatrixExampleRunsEveryCellAndTheReportSeesThemAll() throws Exception {
        String id = newId("ddeutil-matrix");
        JobResult result = run(id, example("ddeutil-matrix.yaml"));

        assertThat(result.status()).as(String.valueOf(result)).isEqualTo(JobState.SUCCEEDED);
        assertThat(result.tasks().stream().map(TaskResult::stdoutTail).filter(s -> s != null && s.contains("6 partitions")))
                .hasSize(1);
    }

    @Test
    void cyclesUnknownReferencesAndBadTypesAreRejectedWithExactPaths() {
        String id = newId("bad-flow");
        JobResult result = run(id, """
                id: %s
                params:
                  rows: {type: int, default: many}
                tasks:
                  - id: a
                    needs: [c]
                    command: echo ${{ params.nope }}
                  - id: b
                    needs: [a]
                    command: echo ${{ needs.a.outputs.x }}
                  - id: c
                    needs: [b]
                    command: echo ${{ matrix.size }}
                """.formatted(id));

        assertThat(result.status()).isEqualTo(JobState.REJECTED);
        assertThat(result.problems()).extracting(Problem::path).contains(
                "$.params.rows.default", "$.tasks[0].command", "$.tasks[2].command");
        assertThat(result.problems()).anySatisfy(p -> assertThat(p.message()).contains("cycle"));
    }
}
