package dev.conveyor.it;

import dev.conveyor.emulator.aws.AwsBatchEmulator;
import dev.conveyor.emulator.aws.AwsBatchEmulatorOptions;
import dev.conveyor.emulator.aws.AwsBatchEmulatorOptions.ComputeEnvironment;
import dev.conveyor.emulator.s3.S3Emulator;
import dev.conveyor.model.JobState;
import dev.conveyor.model.TaskState;
import dev.conveyor.model.result.JobResult;
import dev.conveyor.model.result.TaskResult;
import dev.conveyor.ops.ConveyorReadinessCheck;
import dev.conveyor.testing.BatchOutages;
import dev.conveyor.testing.JobProbe;
import dev.conveyor.testing.KafkaTestResource;
import dev.conveyor.testing.S3ProxyFixture;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.health.Readiness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.batch.BatchClient;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole service on AWS Batch: the five stages with the aws-batch backend against the AWS Batch
 * emulator (through the AWS SDK, SigV4) and the s3 store on S3Proxy. The ddeutil AWS example runs
 * as a user sends it — its {@code ${AWS_ACCESS_KEY_ID}} resolved by the service — its matrix as
 * array jobs; every record is checked against its schema and for the secret key.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(AwsBatchPipelineTest.AwsBatch.class)
class AwsBatchPipelineTest {
    static final String BUCKET = "aws-pipeline";
    static AwsBatchEmulator emulator;

    /** The AWS Batch emulator with S3Proxy's keys; the default profile, the s3 store and ${AWS_*} point at both. */
    public static class AwsBatch implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            S3Emulator s3 = S3ProxyFixture.emulator();
            emulator = AwsBatchEmulator.start(AwsBatchEmulatorOptions.builder().credentials(s3.accessKeyId(), s3.secretAccessKey())
                    .region(s3.region()).transitionDelay(Duration.ofMillis(5))
                    .computeEnvironment(new ComputeEnvironment(AwsBatchEmulatorOptions.DEFAULT_COMPUTE_ENVIRONMENT, 8))
                    .jobQueue(AwsBatchEmulatorOptions.DEFAULT_QUEUE, 1, AwsBatchEmulatorOptions.DEFAULT_COMPUTE_ENVIRONMENT)
                    .computeEnvironment(new ComputeEnvironment("spot-ce", 8).withNoCapacity()) // a spot shortage
                    .jobQueue("spot-queue", 1, "spot-ce")
                    .jobQueue("outage-queue", 1, AwsBatchEmulatorOptions.DEFAULT_COMPUTE_ENVIRONMENT).build());
            Map<String, String> c = new HashMap<>(s3.storageProperties(BUCKET, "default"));
            c.put("conveyor.profiles.default.aws.batch-endpoint", emulator.endpoint());
            c.put("conveyor.profiles.default.aws.logs-endpoint", emulator.endpoint());
            c.put("conveyor.profiles.default.defaults.job_queue_arn", AwsBatchEmulatorOptions.DEFAULT_QUEUE);
            c.put("AWS_ACCESS_KEY_ID", s3.accessKeyId());
            c.put("AWS_SECRET_ACCESS_KEY", s3.secretAccessKey());
            c.putAll(BatchOutages.shortPolicies("aws-batch")); // an outage of a few seconds outlasts them
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

    @Inject
    @Readiness
    ConveyorReadinessCheck readiness;
    @TestHTTPResource("/q/metrics")
    URI metrics;

    /** Readiness asks the backend with the service's credentials (the emulator checks the signature). */
    @Test
    void readinessProvesTheBackendsCredentials() {
        assertThat(readiness.call().getData().orElseThrow().get("compute-backends")).isEqualTo("UP (aws-batch, local, noop)");
    }

    @Test
    void theDdeutilAwsExampleRunsThroughTheFiveStagesOnAwsBatch() throws IOException {
        String id = "awsflow-" + UUID.randomUUID().toString().substring(0, 8);
        long submitsBefore = emulator.requestCounts().getOrDefault("SubmitJob", 0L);
        probe().publish(id, "id: " + id + "\n" + Files.readString(Path.of("examples", "aws-batch.yaml")));
        JobResult result = probe().awaitResult(id, Duration.ofSeconds(90));

        assertThat(result.status()).as(result.reason()).isEqualTo(JobState.SUCCEEDED);
        assertThat(result.tasks()).hasSize(7).allSatisfy(t -> assertThat(t.status()).isEqualTo(TaskState.SUCCEEDED));
        TaskResult report = result.tasks().get(6);
        assertThat(report.logs().stdout()).startsWith("s3://" + BUCKET + "/jobs/" + id + "/");
        assertThat(probe().statusStates(id)).contains("ACCEPTED", "STAGED", "DISPATCHED", "RUNNING", "SUCCEEDED");
        long submits = emulator.requestCounts().getOrDefault("SubmitJob", 0L) - submitsBefore;
        // cells released together go as one array (2 at a time here); a slot freed alone releases one cell:
        // how many arrays depends on timing, but never more than one SubmitJob per task
        assertThat(submits).as("SubmitJob calls for 7 tasks").isBetween(2L, 7L);

        String secret = S3ProxyFixture.emulator().secretAccessKey();
        for (String topic : new String[] {"conveyor.status", "conveyor.results", "conveyor.submitted", "conveyor.staged",
                "conveyor.dispatched", "conveyor.completed"}) {
            assertThat(probe().on(topic, id)).noneMatch(r -> r.value().contains(secret)
                    || r.headers().values().stream().anyMatch(h -> h.contains(secret)));
        }
        probe().assertAllValid();
    }

    /** The Fargate example: two chained tasks, a value passed between them, job definitions made for Fargate. */
    @Test
    void theFargateExampleRunsThroughTheFiveStages() throws IOException {
        String id = "awsfargate-" + UUID.randomUUID().toString().substring(0, 8);
        probe().publish(id, "id: " + id + "\n" + Files.readString(Path.of("examples", "aws-fargate.yaml")));
        JobResult result = probe().awaitResult(id, Duration.ofSeconds(90));

        assertThat(result.status()).as(result.reason()).isEqualTo(JobState.SUCCEEDED);
        assertThat(result.tasks()).extracting(TaskResult::id).containsExactly("measure", "report");
        assertThat(result.tasks().get(0).values()).containsEntry("rows", "42");
        assertThat(result.tasks().get(1).stdoutTail()).isEqualTo("measured 42 rows\n");
        S3Emulator keys = S3ProxyFixture.emulator();
        try (BatchClient batch = BatchClient.builder().endpointOverride(URI.create(emulator.endpoint()))
                .region(Region.of(keys.region())).credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(keys.accessKeyId(), keys.secretAccessKey()))).build()) {
            assertThat(batch.describeJobDefinitions(r -> r.status("ACTIVE")).jobDefinitions())
                    .filteredOn(d -> d.platformCapabilitiesAsStrings().contains("FARGATE")).as("one per size, for Fargate")
                    .hasSizeGreaterThanOrEqualTo(2).allSatisfy(d -> assertThat(d.containerProperties().executionRoleArn())
                            .isEqualTo("arn:aws:iam::123456789012:role/ecsTaskExecutionRole"));
        }
        probe().assertAllValid();
    }

    /**
     * A task that waits for capacity (a spot shortage) says so as it begins to wait — a task PENDING status event — and,
     * when its job's time limit stops it, in its result: it never started, and what AWS said it waited for.
     */
    @Test
    void aTaskThatWaitsForCapacityTillItsJobTimesOutSaysSoInItsStatusAndResult() {
        String id = "awsspot-" + UUID.randomUUID().toString().substring(0, 8);
        probe().publish(id, "id: " + id + "\nrunsOn: {type: aws-batch, with: {job_queue_arn: spot-queue}}\ntimeout: 5s\n"
                + "tasks: [{id: t, command: 'echo never'}]\n");
        JobResult result = probe().awaitResult(id, Duration.ofSeconds(60));

        assertThat(result.status()).isEqualTo(JobState.TIMED_OUT);
        String waited = "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY - There is not enough capacity to fulfill your request. "
                + "Please try again later or use other instance types.";
        assertThat(result.tasks()).singleElement().satisfies(t -> assertThat(t.reason())
                .isEqualTo("job timed out after 5s (it never started on the backend, which said: " + waited + ")"));
        assertThat(probe().on("conveyor.status", id)).map(JobProbe.Seen::json)
                .filteredOn(e -> "PENDING".equals(e.path("state").asText()))
                .singleElement().satisfies(e -> {
                    assertThat(e.path("task").asText()).isEqualTo("t");
                    assertThat(e.path("message").asText()).isEqualTo("waiting: " + waited);
                });
        probe().assertAllValid();
    }

    /**
     * An outage of the Batch API longer than the backend's and the stage's policies costs a job time, not its run:
     * dispatch holds its record and tries again until the API answers (conveyor.dispatch.backend-wait), then the
     * job runs and gets its one result. (It failed once the policies gave up.) On a queue no other test uses: dispatch
     * asks for a queue once per 30 s, and one another test's job was just dispatched to is not asked again.
     */
    @Test
    void aJobSentWhileTheBatchApiIsDownWaitsForItAndRuns() throws Exception {
        String id = "awsdown-" + UUID.randomUUID().toString().substring(0, 8);
        BatchOutages.aJobWaitsThroughTheOutageAndRuns(probe(), metrics, emulator::outage, id,
                "id: " + id + "\nrunsOn: {type: aws-batch, with: {job_queue_arn: outage-queue}}\n"
                        + "tasks: [{id: a, command: 'echo after the outage'}]\n",
                "aws-batch", "ServiceUnavailableException");
    }
}
