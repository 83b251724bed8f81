package dev.conveyor.emulator.aws;

import static dev.conveyor.emulator.aws.AwsEmulatorClients.awaitDone;
import static dev.conveyor.emulator.aws.AwsEmulatorClients.batch;
import static dev.conveyor.emulator.aws.AwsEmulatorClients.describe;
import static dev.conveyor.emulator.aws.AwsEmulatorClients.fastOptions;
import static dev.conveyor.emulator.aws.AwsEmulatorClients.logs;
import static dev.conveyor.emulator.aws.AwsEmulatorClients.shellDefinition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.BatchException;
import software.amazon.awssdk.services.batch.model.ClientException;
import software.amazon.awssdk.services.batch.model.JobStatus;
import software.amazon.awssdk.services.batch.model.JobSummary;
import software.amazon.awssdk.services.batch.model.ListJobsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.CloudWatchLogsException;

/** Limits, paging, authentication and the stats endpoint, as the SDK sees them. */
class AwsApiContractTest {

    static AwsBatchEmulator emulator;
    static BatchClient batch;

    @BeforeAll
    static void start() {
        emulator = AwsBatchEmulator.start(fastOptions().build());
        batch = batch(emulator);
        shellDefinition(batch, "quick", "true");
    }

    @AfterAll
    static void stop() {
        batch.close();
        emulator.close();
    }

    @Test
    void describingMoreThanOneHundredJobsIsAClientException() {
        List<String> ids = IntStream.range(0, 101).mapToObj(i -> "job-" + i).toList();

        assertThatThrownBy(() -> batch.describeJobs(r -> r.jobs(ids)))
                .isInstanceOfSatisfying(ClientException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ClientException");
                });
        assertThat(batch.describeJobs(r -> r.jobs(ids.subList(0, 100))).jobs()).isEmpty();
    }

    @Test
    void listJobsPagesThroughAQueueNewestFirst() {
        try (AwsBatchEmulator own = AwsBatchEmulator.start(fastOptions().build()); BatchClient client = batch(own)) {
            shellDefinition(client, "quick", "true");
            List<String> submitted = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                int n = i;
                submitted.add(client.submitJob(r -> r.jobName("paged-" + n).jobQueue("conveyor-queue").jobDefinition("quick")).jobId());
            }
            submitted.forEach(id -> awaitDone(client, id));

            ListJobsResponse first = client.listJobs(r -> r.jobQueue("conveyor-queue").jobStatus(JobStatus.SUCCEEDED).maxResults(2));
            ListJobsResponse second = client.listJobs(r -> r.jobQueue("conveyor-queue").jobStatus(JobStatus.SUCCEEDED)
                    .maxResults(2).nextToken(first.nextToken()));

            assertThat(first.jobSummaryList()).extracting(JobSummary::jobId).containsExactly(submitted.get(4), submitted.get(3));
            assertThat(second.jobSummaryList()).extracting(JobSummary::jobId).containsExactly(submitted.get(2), submitted.get(1));
            assertThat(client.listJobsPaginator(r -> r.jobQueue("conveyor-queue").jobStatus(JobStatus.SUCCEEDED).maxResults(2))
                    .jobSummaryList().stream().map(JobSummary::jobId).toList())
                    .containsExactly(submitted.get(4), submitted.get(3), submitted.get(2), submitted.get(1), submitted.get(0));
            assertThat(client.listJobs(r -> r.jobQueue("conveyor-queue")).jobSummaryList()).isEmpty(); // RUNNING by default
            assertThat(client.listJobs(r -> r.jobQueue("conveyor-queue").filters(f -> f.name("JOB_NAME").values("paged-4")))
                    .jobSummaryList()).extracting(JobSummary::jobId).containsExactly(submitted.get(4));
        }
    }

    @Test
    void submittingToAnUnknownQueueOrWithAnInvalidArraySizeIsAClientException() {
        assertThatThrownBy(() -> batch.submitJob(r -> r.jobName("x").jobQueue("nope").jobDefinition("quick")))
                .isInstanceOf(ClientException.class).hasMessageContaining("nope");
        assertThatThrownBy(() -> batch.submitJob(r -> r.jobName("x").jobQueue("conveyor-queue").jobDefinition("quick")
                .arrayProperties(a -> a.size(1))))
                .isInstanceOf(ClientException.class);
        assertThatThrownBy(() -> batch.submitJob(r -> r.jobName("x").jobQueue("conveyor-queue").jobDefinition("quick")
                .timeout(t -> t.attemptDurationSeconds(59))))
                .isInstanceOf(ClientException.class);
        assertThatThrownBy(() -> batch.submitJob(r -> r.jobName("x").jobQueue("conveyor-queue").jobDefinition("quick")
                .dependsOn(d -> d.jobId("no-such-job"))))
                .isInstanceOf(ClientException.class);
    }

    @Test
    void cancellingAJobThatWaitsOnADependencyFailsIt() {
        shellDefinition(batch, "hold", "sleep 60");
        String blocker = batch.submitJob(r -> r.jobName("blocker").jobQueue("conveyor-queue").jobDefinition("hold")).jobId();
        String waiting = batch.submitJob(r -> r.jobName("waiting").jobQueue("conveyor-queue").jobDefinition("quick")
                .dependsOn(d -> d.jobId(blocker))).jobId();

        batch.cancelJob(r -> r.jobId(waiting).reason("not needed"));

        assertThat(describe(batch, waiting).status()).isEqualTo(JobStatus.FAILED);
        assertThat(describe(batch, waiting).statusReason()).isEqualTo("not needed");
        assertThat(describe(batch, waiting).isCancelled()).isTrue();
        batch.terminateJob(r -> r.jobId(blocker).reason("cleanup"));
    }

    @Test
    void aWrongSecretIsRejectedWith403() {
        try (BatchClient forged = batch(emulator, "not-the-secret", false)) {
            assertThatThrownBy(() -> forged.describeJobQueues(r -> { }))
                    .isInstanceOfSatisfying(BatchException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(403);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidSignatureException");
                        assertThat(e.getMessage()).contains("signature we calculated does not match");
                    });
        }
        try (CloudWatchLogsClient forgedLogs = logs(emulator, "not-the-secret")) {
            assertThatThrownBy(() -> forgedLogs.getLogEvents(r -> r.logGroupName("/aws/batch/job").logStreamName("s")))
                    .isInstanceOfSatisfying(CloudWatchLogsException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(403);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidSignatureException");
                    });
        }
    }

    @Test
    void anUnsignedRequestIsRejectedAndTheStatsEndpointCountsOperations() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> unsigned = http.send(HttpRequest.newBuilder(URI.create(emulator.endpoint() + "/v1/describejobqueues"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(unsigned.statusCode()).isEqualTo(403);
        assertThat(unsigned.headers().firstValue("x-amzn-ErrorType")).hasValue("MissingAuthenticationTokenException");

        batch.describeJobQueues(r -> { });
        HttpResponse<String> stats = http.send(HttpRequest.newBuilder(URI.create(emulator.endpoint() + "/emulator/stats"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(stats.statusCode()).isEqualTo(200);
        assertThat(stats.body()).contains("\"DescribeJobQueues\":");
        assertThat(emulator.requestCounts().get("DescribeJobQueues")).isGreaterThanOrEqualTo(2);
        assertThat(emulator.requestCounts()).containsKey("RegisterJobDefinition");
    }
}
