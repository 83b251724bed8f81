package dev.conveyor.it;

import com.microsoft.azure.batch.BatchClient;
import com.microsoft.azure.batch.auth.BatchSharedKeyCredentials;
import dev.conveyor.emulator.azure.AzureBatchEmulator;
import dev.conveyor.emulator.azure.AzureBatchEmulatorOptions;
import dev.conveyor.emulator.azurite.Azurite;
import dev.conveyor.emulator.azurite.SharedAzurite;
import dev.conveyor.model.JobState;
import dev.conveyor.model.TaskState;
import dev.conveyor.model.result.JobResult;
import dev.conveyor.model.result.TaskResult;
import dev.conveyor.ops.ConveyorReadinessCheck;
import dev.conveyor.testing.BatchOutages;
import dev.conveyor.testing.JobProbe;
import dev.conveyor.testing.KafkaTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.health.Readiness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The five stages on Azure Batch: the service (real broker) runs Microsoft's quickstart flow
 * (examples/azure-seed.yaml) on the project's Batch emulator through the azure-batch SDK, files in
 * Azure Blob (Azurite): the pool is created, each input placed as a resource file, logs and outputs
 * back as output files; one result; the Batch job deleted at clean-up; no key in any record.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(AzureBatchPipelineTest.AzureBatch.class)
class AzureBatchPipelineTest {
    static AzureBatchEmulator emulator;

    /** The emulator and Azurite, with the default profile and the blob store pointed at them. */
    public static class AzureBatch implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            emulator = AzureBatchEmulator.start(AzureBatchEmulatorOptions.defaults().withAllocationDelay(Duration.ofMillis(50)));
            Map<String, String> c = config(emulator, SharedAzurite.get(), "pipe" + UUID.randomUUID().toString().substring(0, 8));
            c.putAll(BatchOutages.shortPolicies("azure-batch")); // an outage of a few seconds outlasts them
            return c;
        }

        /** The default profile on the emulator and Azurite, and the blob store on Azurite (containers under the prefix). */
        static Map<String, String> config(AzureBatchEmulator emulator, Azurite azurite, String containerPrefix) {
            String p = "conveyor.profiles.default.azure.";
            Map<String, String> c = new LinkedHashMap<>();
            c.put(p + "batch-account-name", emulator.accountName());
            c.put(p + "batch-account-url", emulator.endpoint());
            c.put(p + "batch-account-key", emulator.accountKey());
            c.put(p + "storage-account-name", azurite.accountName());
            c.put(p + "storage-account-key", azurite.accountKey());
            c.put(p + "blob-endpoint", azurite.blobEndpoint());
            c.put("conveyor.storage.type", "azure-blob");
            c.put("conveyor.storage.azure.profile", "default");
            c.put("conveyor.storage.azure.container-prefix", containerPrefix);
            c.put("conveyor.submission.providers", "local,noop,azure-batch");
            return c;
        }

        @Override
        public void stop() {
            if (emulator != null) {
                emulator.close();
            }
        }
    }

    private static JobProbe probe;

    private static synchronized JobProbe probe() {
        if (probe == null) {
            probe = new JobProbe(ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class));
        }
        return probe;
    }

    @AfterAll
    static void closeProbe() {
        if (probe != null) {
            probe.close();
            probe = null;
        }
    }

    private static String fetch(String uri) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(uri))
                .header("x-ms-version", "2021-08-06").GET().build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() + " " + r.body();
    }

    @Inject
    @Readiness
    ConveyorReadinessCheck readiness;
    @TestHTTPResource("/q/metrics")
    URI metrics;

    /** Readiness asks the backend with the service's credentials (the emulator checks the signature). */
    @Test
    void readinessProvesTheBackendsCredentials() {
        assertThat(readiness.call().getData().orElseThrow().get("compute-backends")).isEqualTo("UP (azure-batch, local, noop)");
    }

    @Test
    void microsoftsQuickstartFlowRunsThroughTheFiveStagesOnAzureBatch() throws Exception {
        String id = "azseed-" + UUID.randomUUID().toString().substring(0, 8);
        probe().publish(id, "id: " + id + "\n" + Files.readString(Path.of("examples", "azure-seed.yaml")));
        JobResult result = probe().awaitResult(id, Duration.ofSeconds(120));

        assertThat(result.status()).as(result.reason()).isEqualTo(JobState.SUCCEEDED);
        assertThat(result.tasks()).hasSize(3).allSatisfy(t -> assertThat(t.status()).isEqualTo(TaskState.SUCCEEDED));
        TaskResult task0 = result.tasks().get(0);
        assertThat(task0.logs().stdout()).startsWith(SharedAzurite.get().blobEndpoint());
        assertThat(task0.outputs()).singleElement().satisfies(o -> assertThat(o.uri()).endsWith("/outputs/words.txt"));
        assertThat(probe().statusStates(id)).contains("ACCEPTED", "STAGED", "DISPATCHED", "RUNNING", "SUCCEEDED");

        BatchClient batch = BatchClient.open(new BatchSharedKeyCredentials(emulator.endpoint(), emulator.accountName(),
                emulator.accountKey()));
        assertThat(batch.poolOperations().existsPool("conveyor-seed-pool")).as("the pool was created").isTrue();
        await().atMost(Duration.ofSeconds(30)).until(() -> batch.jobOperations().listJobs().stream()
                .noneMatch(j -> j.id().contains(id)));
        assertThat(emulator.requestCounts()).containsKey("Task_AddCollection").doesNotContainKey("Task_Get");

        for (String topic : new String[] {"conveyor.status", "conveyor.results", "conveyor.submitted", "conveyor.staged",
                "conveyor.dispatched", "conveyor.completed"}) {
            assertThat(probe().on(topic, id)).as(topic).allSatisfy(r -> assertThat(r.value())
                    .doesNotContain(emulator.accountKey()).doesNotContain(SharedAzurite.get().accountKey())
                    .doesNotContain("sig="));
        }
        probe().assertAllValid();
    }

    /**
     * An outage of the Batch service longer than the backend's and the stage's policies costs a job time, not its
     * run: dispatch holds its record and tries again until the service answers (conveyor.dispatch.backend-wait), then
     * the pool is made, the job runs and gets its one result. (It failed once the policies gave up.)
     */
    @Test
    void aJobSentWhileTheBatchServiceIsDownWaitsForItAndRuns() throws Exception {
        String id = "azdown-" + UUID.randomUUID().toString().substring(0, 8);
        BatchOutages.aJobWaitsThroughTheOutageAndRuns(probe(), metrics, emulator::outage, id,
                "id: " + id + "\nrunsOn: {type: azure-batch, with: {pool_id: outage-pool, node_count: \"1\"}}\n"
                + "tasks: [{id: a, command: 'echo after the outage'}]\n", "azure-batch", "ServerBusy");
    }
}
