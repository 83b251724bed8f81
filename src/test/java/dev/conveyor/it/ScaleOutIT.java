package dev.conveyor.it;

import dev.conveyor.kafka.EmbeddedKafka;
import dev.conveyor.model.JobState;
import dev.conveyor.model.result.JobResult;
import dev.conveyor.testing.JobProbe;
import dev.conveyor.testing.ServiceProcess;
import dev.conveyor.testing.TestDirs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Scale-out in default settings, on the packaged application: several {@code serve} processes on one
 * broker and one data dir, none given an instance id — each claims its own — and only the process
 * that runs collection opens the transactional results producer. Then a forced rebalance: a
 * monitoring process is killed while its jobs run, and the other one resumes them from their saved
 * run states. Every job gets exactly one result and no task runs twice. As in {@code k8s/}, the stage
 * processes run without the web view and one more process, {@code --stages none}, serves it for all.
 */
class ScaleOutIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private Path root;
    private EmbeddedKafka kafka;
    private JobProbe probe;
    private final List<Process> services = new ArrayList<>();

    @BeforeEach
    void startBroker() throws IOException {
        root = TestDirs.create("conveyor-scale-it-");
        kafka = EmbeddedKafka.start(root.resolve("kafka"), 0);
    }

    @AfterEach
    void stopAll() {
        services.forEach(Process::destroyForcibly);
        if (probe != null) {
            probe.close();
        }
        kafka.close();
    }

    /** {@code serve} with the defaults a user gets: no instance id, the stages given; the web view as asked. */
    private Process serve(String name, String stages, boolean webView) throws IOException {
        File log = root.resolve(name + ".log").toFile();
        List<String> command = ServiceProcess.appJar(List.of("-Dquarkus.http.port=0", "-Dconveyor.ui.enabled=" + webView));
        command.addAll(List.of("serve", "--bootstrap-servers", kafka.bootstrapServers(), "--stages", stages,
                "--data-dir", root.resolve("data").toString()));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log);
        pb.environment().remove("HOSTNAME"); // as in a plain shell, where it is not exported
        pb.environment().remove("CONVEYOR_INSTANCE_ID");
        Process p = pb.start();
        services.add(p);
        return p;
    }

    /** The HTTP port a process's log says it listens on. */
    private int httpPort(String name) throws IOException {
        Matcher m = Pattern.compile("Listening on: http://[^:]+:(\\d+)").matcher(Files.readString(root.resolve(name + ".log")));
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private Map<String, JobResult> results(List<String> ids) {
        return probe.on("conveyor.results").stream().filter(s -> ids.contains(s.key()))
                .collect(Collectors.toMap(JobProbe.Seen::key, s -> dev.conveyor.model.Json.read(s.value(), JobResult.class),
                        (a, b) -> {
                            throw new AssertionError("two results for one job: " + a.jobId());
                        }));
    }

    @Test
    void separateStageProcessesInDefaultSettingsPublishEveryResultAndSurviveLosingAMonitor() throws Exception {
        serve("front", "submission,staging,dispatch,collection", false);
        Process monitorA = serve("monitor-a", "monitoring", false);
        serve("monitor-b", "monitoring", false);
        serve("view", "none", true);
        probe = new JobProbe(kafka.bootstrapServers());

        List<String> quick = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String id = "quick-" + i;
            quick.add(id);
            probe.publish(id, "{\"id\":\"" + id + "\",\"runsOn\":{\"type\":\"noop\"},\"tasks\":[{\"id\":\"t\",\"command\":\"true\"}]}");
        }
        await().atMost(Duration.ofSeconds(120)).until(() -> results(quick).size() == 20);
        assertThat(results(quick).values()).extracting(JobResult::status).containsOnly(JobState.SUCCEEDED);
        // The process that runs no stage shows every job, with the backend read from its spec; a stage process has no view.
        await().atMost(Duration.ofSeconds(30)).until(() -> httpPort("view") > 0 && httpPort("front") > 0);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            String rows = get(httpPort("view"), "/ui/rows?q=quick-").body();
            for (String id : quick) {
                assertThat(rows).contains("data-id=\"" + id + "\" data-state=\"SUCCEEDED\"");
            }
            assertThat(rows).contains("<td>noop</td>");
        });
        assertThat(get(httpPort("front"), "/ui").statusCode()).isEqualTo(404);

        // Local jobs that each record every run of their tasks, then lose one of the two monitors mid-run.
        Path runs = root.resolve("runs.txt");
        List<String> slow = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String id = "slow-" + i;
            slow.add(id);
            probe.publish(id, """
                    id: %s
                    tasks:
                      - {id: a, command: 'echo %s-a >> %s; sleep 4'}
                      - {id: b, needs: [a], command: 'echo %s-b >> %s'}
                    """.formatted(id, id, runs, id, runs));
        }
        await().atMost(Duration.ofSeconds(90)).until(() -> slow.stream().allMatch(id -> probe.statusStates(id).contains("a:RUNNING")));
        monitorA.destroyForcibly();

        await().atMost(Duration.ofSeconds(150)).until(() -> results(slow).size() == 8);
        assertThat(results(slow).values()).extracting(JobResult::status).containsOnly(JobState.SUCCEEDED);
        Map<String, Long> timesRun = Files.readAllLines(runs).stream()
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        assertThat(timesRun).hasSize(16).allSatisfy((task, n) -> assertThat(n).as(task).isEqualTo(1L));
        // Still exactly one result per job, after everything settled.
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> results(slow).size() == 8);
        assertThat(Files.readString(root.resolve("front.log"))).doesNotContain("ProducerFenced", "InvalidProducerEpoch");
    }
}
