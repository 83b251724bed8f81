package dev.conveyor.emulator.aws;

import static dev.conveyor.emulator.aws.AwsEmulatorClients.awaitDone;
import static dev.conveyor.emulator.aws.AwsEmulatorClients.batch;
import static dev.conveyor.emulator.aws.AwsEmulatorClients.describe;
import static dev.conveyor.emulator.aws.AwsEmulatorClients.fastOptions;
import static dev.conveyor.emulator.aws.AwsEmulatorClients.logs;
import static dev.conveyor.emulator.aws.AwsEmulatorClients.shellDefinition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.ArrayJobDependency;
import software.amazon.awssdk.services.batch.model.JobDependency;
import software.amazon.awssdk.services.batch.model.JobDetail;
import software.amazon.awssdk.services.batch.model.JobStatus;
import software.amazon.awssdk.services.batch.model.JobSummary;
import software.amazon.awssdk.services.batch.model.RetryAction;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.OutputLogEvent;

/** Array jobs, dependencies and retries. */
class AwsJobOrchestrationTest {

    static AwsBatchEmulator emulator;
    static BatchClient batch;
    static CloudWatchLogsClient logs;

    @BeforeAll
    static void start() {
        emulator = AwsBatchEmulator.start(fastOptions().build());
        batch = batch(emulator);
        logs = logs(emulator);
    }

    @AfterAll
    static void stop() {
        batch.close();
        logs.close();
        emulator.close();
    }

    @Test
    void anArrayJobRunsOneChildPerIndexAndSucceedsWhenAllDo() {
        shellDefinition(batch, "array", "echo index=$AWS_BATCH_JOB_ARRAY_INDEX");
        String parentId = batch.submitJob(r -> r.jobName("arr").jobQueue("conveyor-queue").jobDefinition("array")
                .arrayProperties(a -> a.size(3))).jobId();

        JobDetail parent = awaitDone(batch, parentId);

        assertThat(parent.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(parent.arrayProperties().size()).isEqualTo(3);
        assertThat(parent.arrayProperties().statusSummary()).containsEntry("SUCCEEDED", 3);
        List<JobSummary> children = batch.listJobs(r -> r.arrayJobId(parentId).jobStatus(JobStatus.SUCCEEDED)).jobSummaryList();
        assertThat(children).extracting(JobSummary::jobId)
                .containsExactlyInAnyOrder(parentId + ":0", parentId + ":1", parentId + ":2");
        for (int i = 0; i < 3; i++) {
            JobDetail child = describe(batch, parentId + ":" + i);
            assertThat(child.arrayProperties().index()).isEqualTo(i);
            assertThat(messages(child.container().logStreamName())).containsExactly("index=" + i);
        }
        assertThat(batch.listJobs(r -> r.jobQueue("conveyor-queue").jobStatus(JobStatus.SUCCEEDED)).jobSummaryList())
                .extracting(JobSummary::jobId).contains(parentId).doesNotContain(parentId + ":0");
    }

    @Test
    void aJobThatDependsOnAnotherWaitsUntilItSucceeds(@TempDir Path dir) {
        Path gate = dir.resolve("gate");
        shellDefinition(batch, "gated", "while [ ! -f \"$GATE\" ]; do sleep 0.05; done");
        shellDefinition(batch, "after", "echo after");
        String a = batch.submitJob(r -> r.jobName("a").jobQueue("conveyor-queue").jobDefinition("gated")
                .containerOverrides(o -> o.environment(e -> e.name("GATE").value(gate.toString())))).jobId();
        String b = batch.submitJob(r -> r.jobName("b").jobQueue("conveyor-queue").jobDefinition("after")
                .dependsOn(JobDependency.builder().jobId(a).build())).jobId();

        await().atMost(Duration.ofSeconds(10)).until(() -> describe(batch, a).status() == JobStatus.RUNNING);
        assertThat(describe(batch, b).status()).isEqualTo(JobStatus.PENDING);
        assertThat(describe(batch, b).dependsOn()).extracting(JobDependency::jobId).containsExactly(a);

        touch(gate);
        JobDetail after = awaitDone(batch, b);
        assertThat(after.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(after.startedAt()).isGreaterThanOrEqualTo(describe(batch, a).stoppedAt());
    }

    @Test
    void aJobWhoseDependencyFailsFailsWithoutRunning() {
        shellDefinition(batch, "boom", "exit 1");
        shellDefinition(batch, "never", "echo never");
        String a = batch.submitJob(r -> r.jobName("a").jobQueue("conveyor-queue").jobDefinition("boom")).jobId();
        String b = batch.submitJob(r -> r.jobName("b").jobQueue("conveyor-queue").jobDefinition("never")
                .dependsOn(d -> d.jobId(a))).jobId();

        JobDetail job = awaitDone(batch, b);

        assertThat(job.status()).isEqualTo(JobStatus.FAILED);
        assertThat(job.statusReason()).isEqualTo("Dependent Job failed");
        assertThat(job.attempts()).isEmpty();
    }

    @Test
    void nToNChildrenWaitOnlyForTheChildWithTheSameIndex(@TempDir Path dir) {
        shellDefinition(batch, "stage-one", "while [ ! -f \"$GATE_DIR/$AWS_BATCH_JOB_ARRAY_INDEX\" ]; do sleep 0.05; done");
        shellDefinition(batch, "stage-two", "echo two-$AWS_BATCH_JOB_ARRAY_INDEX");
        String first = batch.submitJob(r -> r.jobName("one").jobQueue("conveyor-queue").jobDefinition("stage-one")
                .arrayProperties(a -> a.size(2))
                .containerOverrides(o -> o.environment(e -> e.name("GATE_DIR").value(dir.toString())))).jobId();
        String second = batch.submitJob(r -> r.jobName("two").jobQueue("conveyor-queue").jobDefinition("stage-two")
                .arrayProperties(a -> a.size(2))
                .dependsOn(d -> d.jobId(first).type(ArrayJobDependency.N_TO_N))).jobId();

        touch(dir.resolve("1"));
        awaitDone(batch, second + ":1");
        assertThat(describe(batch, second + ":1").status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(describe(batch, second + ":0").status()).isEqualTo(JobStatus.PENDING);
        assertThat(describe(batch, second + ":0").dependsOn()).extracting(JobDependency::jobId).containsExactly(first + ":0");

        touch(dir.resolve("0"));
        assertThat(awaitDone(batch, second).status()).isEqualTo(JobStatus.SUCCEEDED);
    }

    @Test
    void sequentialChildrenRunOneAfterAnother() {
        shellDefinition(batch, "seq", "echo $AWS_BATCH_JOB_ARRAY_INDEX");
        String parent = batch.submitJob(r -> r.jobName("seq").jobQueue("conveyor-queue").jobDefinition("seq")
                .arrayProperties(a -> a.size(3)).dependsOn(d -> d.type(ArrayJobDependency.SEQUENTIAL))).jobId();

        assertThat(awaitDone(batch, parent).status()).isEqualTo(JobStatus.SUCCEEDED);
        JobDetail c1 = describe(batch, parent + ":1");
        JobDetail c2 = describe(batch, parent + ":2");
        assertThat(c1.startedAt()).isGreaterThanOrEqualTo(describe(batch, parent + ":0").stoppedAt());
        assertThat(c2.startedAt()).isGreaterThanOrEqualTo(c1.stoppedAt());
    }

    @Test
    void aRetryStrategyRetriesFailedAttemptsUntilOneSucceeds() {
        shellDefinition(batch, "flaky", "echo attempt $AWS_BATCH_JOB_ATTEMPT; [ \"$AWS_BATCH_JOB_ATTEMPT\" -ge 3 ]");
        String jobId = batch.submitJob(r -> r.jobName("flaky").jobQueue("conveyor-queue").jobDefinition("flaky")
                .retryStrategy(s -> s.attempts(5))).jobId();

        JobDetail job = awaitDone(batch, jobId);

        assertThat(job.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(job.attempts()).extracting(a -> a.container().exitCode()).containsExactly(1, 1, 0);
        assertThat(job.attempts()).extracting(a -> a.container().logStreamName()).doesNotHaveDuplicates();
        assertThat(messages(job.attempts().get(1).container().logStreamName())).containsExactly("attempt 2");
    }

    @Test
    void aJobFailsWhenItsRetriesRunOut() {
        shellDefinition(batch, "hopeless", "exit 7");
        String jobId = batch.submitJob(r -> r.jobName("hopeless").jobQueue("conveyor-queue").jobDefinition("hopeless")
                .retryStrategy(s -> s.attempts(3))).jobId();

        JobDetail job = awaitDone(batch, jobId);

        assertThat(job.status()).isEqualTo(JobStatus.FAILED);
        assertThat(job.attempts()).hasSize(3).allSatisfy(a -> assertThat(a.container().exitCode()).isEqualTo(7));
    }

    @Test
    void evaluateOnExitCanEndRetriesForMatchingExitCodes() {
        shellDefinition(batch, "fatal", "exit 42");
        String jobId = batch.submitJob(r -> r.jobName("fatal").jobQueue("conveyor-queue").jobDefinition("fatal")
                .retryStrategy(s -> s.attempts(5).evaluateOnExit(
                        e -> e.onExitCode("4*").action(RetryAction.EXIT),
                        e -> e.onReason("*").action(RetryAction.RETRY)))).jobId();

        JobDetail job = awaitDone(batch, jobId);

        assertThat(job.status()).isEqualTo(JobStatus.FAILED);
        assertThat(job.attempts()).hasSize(1);
    }

    @Test
    void jobsBeyondTheComputeEnvironmentsVcpusWaitRunnable() {
        try (AwsBatchEmulator small = AwsBatchEmulator.start(fastOptions().defaultVcpus(1).build());
             BatchClient client = batch(small)) {
            shellDefinition(client, "hold", "sleep 60");
            String first = client.submitJob(r -> r.jobName("one").jobQueue("conveyor-queue").jobDefinition("hold")).jobId();
            String second = client.submitJob(r -> r.jobName("two").jobQueue("conveyor-queue").jobDefinition("hold")).jobId();

            await().atMost(Duration.ofSeconds(10)).until(() -> describe(client, first).status() == JobStatus.RUNNING);
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                    .until(() -> describe(client, second).status() == JobStatus.RUNNABLE);

            client.terminateJob(r -> r.jobId(first).reason("make room"));
            await().atMost(Duration.ofSeconds(10)).until(() -> describe(client, second).status() == JobStatus.RUNNING);
        }
    }

    private static List<String> messages(String stream) {
        return logs.getLogEvents(r -> r.logGroupName("/aws/batch/job").logStreamName(stream).startFromHead(true))
                .events().stream().map(OutputLogEvent::message).toList();
    }

    private static void touch(Path file) {
        try {
            Files.writeString(file, "go");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
