package dev.conveyor.it;

import dev.conveyor.cli.CliOutput;
import dev.conveyor.model.JobState;
import dev.conveyor.model.result.JobResult;
import io.quarkus.test.junit.QuarkusTest;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The client commands against a running service answer every case promptly: each call is bounded,
 * so a command that would hang fails its test instead.
 */
@QuarkusTest
class ClientCommandsTest extends PipelineTestBase {
    private static final Duration PROMPTLY = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private static String bootstrap() {
        return ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    }

    private static CliOutput cli(String... args) {
        String[] all = java.util.Arrays.copyOf(args, args.length + 2);
        all[args.length] = "--bootstrap-servers";
        all[args.length + 1] = bootstrap();
        return assertTimeoutPreemptively(PROMPTLY, () -> CliOutput.run(all));
    }

    private Path request(String name, String yaml) throws IOException {
        return Files.writeString(dir.resolve(name), yaml);
    }

    @Test
    void submitWaitOfAReusedIdStopsAndShowsTheEarlierJobsResult() throws IOException {
        String id = newId("reused");
        Path first = request("first.yaml", "id: " + id + "\ntasks: [{id: t, command: 'echo first'}]\n");
        Path second = request("second.yaml", "id: " + id + "\ntasks: [{id: t, command: 'echo second'}]\n");
        assertThat(cli("submit", first.toString(), "--wait").code()).isZero();

        CliOutput again = cli("submit", second.toString(), "--wait");

        assertThat(again.code()).isZero(); // the earlier job's SUCCEEDED
        assertThat(again.err()).contains("job " + id + " was not run again: a job with this id was already accepted (from ")
                .contains("the earlier job " + id + " already finished: SUCCEEDED")
                .contains("give the request another id");
        assertThat(again.out()).contains("Job " + id).contains("| first");
        assertThat(probe().statusStates(id)).contains("DUPLICATE");
        assertThat(probe().on("conveyor.results", id)).hasSize(1);
    }

    @Test
    void submitWaitOfTheIdOfAJobStillRunningSaysSoWithExitCode3() throws IOException {
        String id = newId("busy");
        probe().publish(id, "id: " + id + "\ntasks: [{id: t, command: 'sleep 60'}]\n");
        await().atMost(Duration.ofSeconds(60)).until(() -> probe().statusStates(id).contains("t:RUNNING"));
        Path second = request("second.yaml", "id: " + id + "\ntasks: [{id: t, command: 'true'}]\n");

        CliOutput again = cli("submit", second.toString(), "--wait");

        assertThat(again.code()).isEqualTo(3);
        assertThat(again.err()).contains("was not run again").contains("no result for job " + id
                + " was found: it is still running, or its result is elsewhere");
        assertThat(cli("cancel", id, "--wait").code()).isEqualTo(1);
        assertThat(probe().awaitResult(id, Duration.ofSeconds(30)).status()).isEqualTo(JobState.CANCELLED);
    }

    @Test
    void submitWaitTimeoutCancelsTheJobItStarted() throws IOException {
        String id = newId("slow");
        Path slow = request("slow.yaml", "id: " + id + "\ntasks: [{id: t, command: 'sleep 120'}]\n");

        CliOutput result = cli("submit", slow.toString(), "--wait", "--timeout", "5s", "--cancel-wait", "30s");

        assertThat(result.code()).isEqualTo(4);
        assertThat(result.err()).contains("no result within 5s (--timeout); cancelling job " + id)
                .contains("gave up after 5s; job " + id + " was cancelled");
        JobResult cancelled = probe().awaitResult(id, Duration.ofSeconds(5));
        assertThat(cancelled.status()).isEqualTo(JobState.CANCELLED);
        assertThat(cancelled.reason()).contains("gave up after --timeout 5s");
        assertThat(probe().on("conveyor.control", id)).hasSize(1);
    }

    @Test
    void cancelOfAFinishedJobSaysSoWithItsCodeAndPublishesNoCancel() throws IOException {
        String id = newId("done");
        run(id, "id: " + id + "\ntasks: [{id: t, command: 'exit 3'}]\n");

        CliOutput waiting = cli("cancel", id, "--wait");
        CliOutput plain = cli("cancel", id);

        assertThat(waiting.code()).isEqualTo(1);
        assertThat(waiting.err()).contains("job " + id + " already finished: FAILED");
        assertThat(waiting.out()).contains("Job " + id);
        assertThat(plain.code()).isEqualTo(1);
        assertThat(plain.err()).contains("job " + id + " already finished: FAILED");
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> probe().on("conveyor.control", id).isEmpty());
    }

    @Test
    void cancelOfAnUnknownJobIsExitCode2AndPublishesNoCancel() {
        String id = newId("nobody");

        CliOutput result = cli("cancel", id);

        assertThat(result.code()).isEqualTo(2);
        assertThat(result.err()).isEqualTo("conveyor: no job with id " + id + " is known to Conveyor (no status or "
                + "result on " + bootstrap() + ")" + System.lineSeparator());
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> probe().on("conveyor.control", id).isEmpty());
    }

    @Test
    void cancelOfARunningJobStopsIt() throws IOException {
        String id = newId("stop");
        probe().publish(id, "id: " + id + "\ntasks: [{id: t, command: 'sleep 60'}]\n");
        await().atMost(Duration.ofSeconds(60)).until(() -> probe().statusStates(id).contains("t:RUNNING"));

        CliOutput result = cli("cancel", id, "--wait", "--reason", "test over");

        assertThat(result.code()).isEqualTo(1);
        assertThat(result.err()).contains("Cancel requested for job " + id);
        assertThat(result.out()).contains("CANCELLED").contains("test over");
    }

    @Test
    void submitTakesTheTimeoutInTheFormsJobsUse() throws IOException {
        String id = newId("quick");
        Path quick = request("quick.yaml", "id: " + id + "\nparams: {who: x}\ntasks: [{id: t, command: 'echo hi'}]\n");

        CliOutput result = cli("submit", quick.toString(), "--wait", "--timeout", "1m", "--json", "--param", "who=y");

        assertThat(result.code()).isZero();
        assertThat(result.out()).startsWith(id + System.lineSeparator()).contains("\"status\":\"SUCCEEDED\"");
    }
}
