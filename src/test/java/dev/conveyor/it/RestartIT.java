package dev.conveyor.it;

import dev.conveyor.testing.TestDirs;
import dev.conveyor.kafka.EmbeddedKafka;
import dev.conveyor.model.JobState;
import dev.conveyor.model.TaskState;
import dev.conveyor.model.result.JobResult;
import dev.conveyor.model.result.TaskResult;
import dev.conveyor.testing.JobProbe;
import dev.conveyor.testing.ServiceProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Delivery semantics, proven on the packaged application: the service is killed (SIGKILL, no
 * shutdown hooks) while a job runs and started again; the job completes and has exactly one
 * result on the results topic, read read_committed.
 */
class RestartIT {
    private Path root;
    private EmbeddedKafka kafka;
    private JobProbe probe;
    private Process service;

    @BeforeEach
    void startBroker() throws IOException {
        root = TestDirs.create("conveyor-restart-it-");
        kafka = EmbeddedKafka.start(root.resolve("kafka"), 0);
    }

    @AfterEach
    void stopAll() {
        if (service != null) {
            service.destroyForcibly();
        }
        if (probe != null) {
            probe.close();
        }
        kafka.close();
    }

    private Process startService(String name) throws IOException {
        return ServiceProcess.start(root, name, "restart-it", kafka.bootstrapServers(), Map.of());
    }

    @Test
    void serviceKilledMidJobIsRestartedAndTheJobEndsWithExactlyOneResult() throws IOException {
        service = startService("first");
        probe = new JobProbe(kafka.bootstrapServers());
        String id = "restart-" + ProcessHandle.current().pid();
        probe.publish(id, """
                id: %s
                tasks:
                  - id: long
                    command: sleep 4; echo survived > proof.txt; echo done
                    outputs: [proof.txt]
                  - id: next
                    needs: [long]
                    command: cat proof.txt
                """.formatted(id));

        await().atMost(Duration.ofSeconds(60)).until(() -> probe.statusStates(id).contains("long:RUNNING"));
        service.destroyForcibly();
        await().atMost(Duration.ofSeconds(30)).until(() -> !service.isAlive());
        assertThat(probe.on("conveyor.results", id)).isEmpty();

        service = startService("second");
        JobResult result = probe.awaitResult(id, Duration.ofSeconds(90));

        assertThat(result.status()).isEqualTo(JobState.SUCCEEDED);
        assertThat(result.tasks()).extracting(TaskResult::status).containsOnly(TaskState.SUCCEEDED);
        assertThat(result.tasks().get(1).stdoutTail()).isEqualTo("survived\n");
        // Still exactly one, well after the restarted stages have caught up.
        await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(10))
                .until(() -> probe.on("conveyor.results", id).size() == 1);
    }
}
