package dev.conveyor.it;

import dev.conveyor.cli.ConveyorCli;
import dev.conveyor.model.JobState;
import dev.conveyor.model.TaskState;
import dev.conveyor.model.result.JobResult;
import dev.conveyor.model.result.TaskResult;
import io.quarkus.test.junit.QuarkusTest;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Cancel through the control topic, and the client commands against a running service. */
@QuarkusTest
class CancelAndClientTest extends PipelineTestBase {

    private static int cli(String... args) {
        return new CommandLine(new ConveyorCli()).execute(args);
    }

    private static String bootstrap() {
        return ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    }

    @Test
    void cancelKillsTheRunningTaskAndTheResultListsWhatHadFinished() {
        String id = newId("cancel");
        probe().publish(id, """
                id: %s
                tasks:
                  - id: quick
                    command: echo finished
                  - id: slow
                    needs: [quick]
                    command: echo started; sleep 120
                  - id: never
                    needs: [slow]
                    command: echo never
                """.formatted(id));
        await().atMost(Duration.ofSeconds(60)).until(() -> probe().statusStates(id).contains("slow:RUNNING"));

        assertThat(cli("cancel", id, "--bootstrap-servers", bootstrap(), "--reason", "no longer needed")).isZero();

        JobResult result = probe().awaitResult(id, Duration.ofSeconds(60));
        assertThat(result.status()).isEqualTo(JobState.CANCELLED);
        assertThat(result.reason()).contains("no longer needed");
        assertThat(result.tasks()).extracting(TaskResult::id, TaskResult::status).containsExactly(
                org.assertj.core.groups.Tuple.tuple("quick", TaskState.SUCCEEDED),
                org.assertj.core.groups.Tuple.tuple("slow", TaskState.CANCELLED),
                org.assertj.core.groups.Tuple.tuple("never", TaskState.CANCELLED));
        assertThat(result.tasks().get(1).durationMs()).isLessThan(60_000L);
        assertThat(probe().on("conveyor.control", id)).hasSize(1);
    }

    @Test
    void submitWaitReturnsTheJobsExitCodeAndResultFindsTheResultAgain(@TempDir Path dir) throws Exception {
        Path ok = dir.resolve("ok.yaml");
        Files.writeString(ok, "tasks:\n  - id: t\n    command: echo \"$CONVEYOR_PARAM_WHO\"\nparams: {who: nobody}\n");
        Path failing = dir.resolve("failing.yaml");
        Files.writeString(failing, "id: " + newId("cli-fail") + "\ntasks:\n  - id: t\n    command: exit 4\n");

        assertThat(cli("submit", ok.toString(), "--wait", "--param", "who=somebody", "--bootstrap-servers", bootstrap()))
                .isZero();
        assertThat(cli("submit", failing.toString(), "--wait", "--bootstrap-servers", bootstrap())).isEqualTo(1);

        String failingId = Files.readAllLines(failing).get(0).substring("id: ".length());
        assertThat(cli("result", failingId, "--bootstrap-servers", bootstrap())).isEqualTo(1);
        assertThat(cli("result", "no-such-job", "--bootstrap-servers", bootstrap())).isEqualTo(3);
        assertThat(probe().awaitResult(failingId, Duration.ofSeconds(5)).tasks().get(0).exitCode()).isEqualTo(4);
    }
}
