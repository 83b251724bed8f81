package dev.conveyor.it;

import dev.conveyor.testing.TestDirs;
import dev.conveyor.emulator.azure.AzureBatchEmulator;
import dev.conveyor.emulator.azure.AzureBatchEmulatorOptions;
import dev.conveyor.emulator.azurite.SharedAzurite;
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
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * kill -9 of the packaged service while its job runs on Azure Batch (the emulator and Azurite, in
 * this JVM, keep the Batch task running meanwhile): the restarted service adopts the running Batch
 * task — the same task ids, so no task is added twice — and the job ends with exactly one result; no
 * account key appears in any record or in either service log.
 */
class AzureBatchRestartIT {
    private Path root;
    private EmbeddedKafka kafka;
    private AzureBatchEmulator batch;
    private JobProbe probe;
    private Process service;
    private final String containerPrefix = "rst" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeEach
    void start() throws IOException {
        root = TestDirs.create("conveyor-azure-restart-it-");
        kafka = EmbeddedKafka.start(root.resolve("kafka"), 0);
        batch = AzureBatchEmulator.start(AzureBatchEmulatorOptions.defaults().withAllocationDelay(Duration.ofMillis(50)));
    }

    @AfterEach
    void stopAll() {
        if (service != null) {
            service.destroyForcibly();
        }
        if (probe != null) {
            probe.close();
        }
        batch.close();
        kafka.close();
    }

    private Process startService(String name) throws IOException {
        return ServiceProcess.start(root, name, "azure-restart-it", kafka.bootstrapServers(),
                AzureBatchPipelineTest.AzureBatch.config(batch, SharedAzurite.get(), containerPrefix));
    }

    @Test
    void serviceKilledWhileItsBatchTaskRunsAdoptsItAfterRestartAndPublishesExactlyOneResult() throws IOException {
        service = startService("first");
        probe = new JobProbe(kafka.bootstrapServers());
        String id = "azrestart-" + ProcessHandle.current().pid();
        probe.publish(id, """
                id: %s
                runsOn:
                  type: azure-batch
                  with: {pool_id: conveyor-restart-pool, vm_size: standard_a1_v2, node_count: "1"}
                tasks:
                  - id: long
                    command: sleep 6; echo survived > proof.txt; echo done
                    outputs: [proof.txt]
                  - id: next
                    needs: [long]
                    command: cat proof.txt
                """.formatted(id));

        await().atMost(Duration.ofSeconds(90)).until(() -> probe.statusStates(id).contains("long:RUNNING"));
        service.destroyForcibly();
        await().atMost(Duration.ofSeconds(30)).until(() -> !service.isAlive());
        assertThat(probe.on("conveyor.results", id)).isEmpty();

        service = startService("second");
        JobResult result = probe.awaitResult(id, Duration.ofSeconds(120));

        assertThat(result.status()).as(result.reason()).isEqualTo(JobState.SUCCEEDED);
        assertThat(result.tasks()).extracting(TaskResult::status).containsOnly(TaskState.SUCCEEDED);
        assertThat(result.tasks().get(0).attemptCount()).as("the running Batch task adopted, not run again").isEqualTo(1);
        assertThat(result.tasks().get(1).stdoutTail()).isEqualTo("survived\n");
        await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(10))
                .until(() -> probe.on("conveyor.results", id).size() == 1);

        for (String secret : new String[] {batch.accountKey(), SharedAzurite.get().accountKey()}) {
            for (String topic : new String[] {"conveyor.status", "conveyor.results"}) {
                assertThat(probe.on(topic, id)).noneMatch(r -> r.value().contains(secret));
            }
            for (String log : new String[] {"first.log", "second.log"}) {
                assertThat(Files.readString(root.resolve(log))).doesNotContain(secret);
            }
        }
    }
}
