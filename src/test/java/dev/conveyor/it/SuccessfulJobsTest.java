package dev.conveyor.it;

import dev.conveyor.model.JobState;
import dev.conveyor.model.TaskState;
import dev.conveyor.model.result.JobResult;
import dev.conveyor.model.result.TaskResult;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

@QuarkusTest
class SuccessfulJobsTest extends PipelineTestBase {

    @Test
    void singleTaskJobSucceedsWithItsStdoutAndOutputFile() throws Exception {
        String id = newId("hello");
        JobResult result = run(id, example("hello.yaml").replace("name: hello", "id: " + id + "\nname: hello"));

        assertThat(result.status()).isEqualTo(JobState.SUCCEEDED);
        TaskResult task = result.tasks().get(0);
        assertThat(task.status()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(task.exitCode()).isZero();
        assertThat(task.attemptCount()).isEqualTo(1);
        assertThat(task.stdoutTail()).contains("Hello, Conveyor");
        assertThat(task.outputs()).singleElement().satisfies(out -> {
            assertThat(out.path()).isEqualTo("greeting.txt");
            assertThat(Files.readString(Path.of(URI.create(out.uri())))).isEqualTo("Hello, Conveyor\n");
        });
        assertThat(Files.readString(Path.of(URI.create(task.logs().stdout())))).contains("Hello, Conveyor");
        assertThat(probe().statusStates(id)).containsSubsequence(
                "ACCEPTED", "STAGED", "DISPATCHED", "RUNNING", "say-hello:SUCCEEDED", "SUCCEEDED");
        // tracing is off by default (conveyor.tracing.enabled): no record of the job carries a trace context
        for (String topic : java.util.List.of("conveyor.submitted", "conveyor.staged", "conveyor.dispatched",
                "conveyor.completed", "conveyor.results", "conveyor.status")) {
            assertThat(probe().on(topic, id)).as(topic).isNotEmpty()
                    .allSatisfy(r -> assertThat(r.headers()).as(topic).doesNotContainKey("traceparent"));
        }
    }

    @Test
    void chainedTasksEachReadThePreviousTasksOutputFiles() throws Exception {
        String id = newId("chain");
        JobResult result = run(id, "id: " + id + "\n" + example("chain.yaml"));

        assertThat(result.status()).isEqualTo(JobState.SUCCEEDED);
        assertThat(result.tasks()).extracting(TaskResult::id).containsExactly("produce", "transform", "summarize");
        assertThat(result.tasks()).allSatisfy(t -> assertThat(t.status()).isEqualTo(TaskState.SUCCEEDED));
        // Order is proven by the data: each file is made from the one before it.
        TaskResult transform = result.tasks().get(1);
        TaskResult produce = result.tasks().get(0);
        String words = Files.readString(Path.of(URI.create(produce.outputs().get(0).uri())));
        String upper = Files.readString(Path.of(URI.create(transform.outputs().get(0).uri())));
        assertThat(upper).isEqualTo(words.toUpperCase());
        assertThat(transform.startedAt()).isAfterOrEqualTo(produce.finishedAt());
    }

    @Test
    void inlineInputsAndParamsReachTheTaskAsFilesAndEnvironment() {
        String id = newId("inputs");
        String request = """
                {"id": "%s", "params": {"who": "$(rm -rf ~); echo pwned"},
                 "tasks": [{"id": "read", "command": "cat data/in.txt; printf '%%s' \\"$CONVEYOR_PARAM_WHO\\"",
                            "inputs": [{"path": "data/in.txt", "content": "inline content\\n"}]}]}
                """.formatted(id);
        JobResult result = run(id, request);

        assertThat(result.status()).isEqualTo(JobState.SUCCEEDED);
        assertThat(result.tasks().get(0).stdoutTail()).isEqualTo("inline content\n$(rm -rf ~); echo pwned");
    }

    @Test
    void keyValueOutputsReachTheTasksThatNeedThemAndTheResult() {
        String id = newId("values");
        JobResult result = run(id, """
                id: %s
                tasks:
                  - id: count
                    command: echo "rows=42" >> "$CONVEYOR_OUTPUTS"; echo 'note=a b=c $(x)' >> "$CONVEYOR_OUTPUTS"
                  - id: report
                    needs: [count]
                    command: printf '%%s|%%s|' "$CONVEYOR_NEEDS_COUNT_ROWS" "$CONVEYOR_NEEDS_COUNT_NOTE"; cat "$CONVEYOR_NEEDS"
                """.formatted(id));

        assertThat(result.status()).isEqualTo(JobState.SUCCEEDED);
        assertThat(result.tasks().get(0).values()).containsExactly(
                java.util.Map.entry("rows", "42"), java.util.Map.entry("note", "a b=c $(x)"));
        assertThat(result.tasks().get(1).stdoutTail())
                .isEqualTo("42|a b=c $(x)|{\"count\":{\"rows\":\"42\",\"note\":\"a b=c $(x)\"}}");
        assertThat(result.tasks().get(1).values()).isEmpty();
    }
}
