package dev.conveyor.emulator.aws;

import static dev.conveyor.emulator.aws.AwsEmulatorClients.awaitDone;
import static dev.conveyor.emulator.aws.AwsEmulatorClients.batch;
import static dev.conveyor.emulator.aws.AwsEmulatorClients.describe;
import static dev.conveyor.emulator.aws.AwsEmulatorClients.fastOptions;
import static dev.conveyor.emulator.aws.AwsEmulatorClients.logs;
import static dev.conveyor.emulator.aws.AwsEmulatorClients.shellDefinition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.JobDetail;
import software.amazon.awssdk.services.batch.model.JobStatus;
import software.amazon.awssdk.services.batch.model.KeyValuePair;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.GetLogEventsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.OutputLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceNotFoundException;

class AwsJobExecutionTest {

    static AwsBatchEmulator emulator;
    static BatchClient batch;
    static CloudWatchLogsClient logs;

    @BeforeAll
    static void start() {
        emulator = AwsBatchEmulator.start(fastOptions().timeScale(0.01).build());
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
    void aSubmittedJobRunsItsCommandAndSucceedsWithItsOutputInCloudWatchLogs() {
        shellDefinition(batch, "hello", "echo hello from $AWS_BATCH_JOB_ID; echo oops >&2");
        String jobId = batch.submitJob(r -> r.jobName("hello-job").jobQueue("conveyor-queue").jobDefinition("hello")).jobId();

        JobDetail job = awaitDone(batch, jobId);

        assertThat(job.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(job.statusReason()).isEqualTo("Essential container in task exited");
        assertThat(job.container().exitCode()).isZero();
        assertThat(job.attempts()).singleElement().satisfies(a -> {
            assertThat(a.container().exitCode()).isZero();
            assertThat(a.startedAt()).isPositive();
            assertThat(a.stoppedAt()).isGreaterThanOrEqualTo(a.startedAt());
        });
        assertThat(job.startedAt()).isGreaterThanOrEqualTo(job.createdAt());
        assertThat(job.jobDefinition()).isEqualTo("arn:aws:batch:us-east-1:123456789012:job-definition/hello:1");
        String stream = job.container().logStreamName();
        assertThat(stream).startsWith("hello/default/");

        GetLogEventsResponse events = logs.getLogEvents(r -> r.logGroupName("/aws/batch/job").logStreamName(stream)
                .startFromHead(true));
        assertThat(events.events()).extracting(OutputLogEvent::message)
                .containsExactlyInAnyOrder("hello from " + jobId, "oops");
        assertThat(events.events()).allSatisfy(e -> assertThat(e.timestamp()).isBetween(job.startedAt(), job.stoppedAt()));
        GetLogEventsResponse after = logs.getLogEvents(r -> r.logGroupName("/aws/batch/job").logStreamName(stream)
                .nextToken(events.nextForwardToken()));
        assertThat(after.events()).isEmpty();
        assertThat(after.nextForwardToken()).isEqualTo(events.nextForwardToken());
    }

    @Test
    void aFailingCommandFailsTheJobWithItsExitCode() {
        shellDefinition(batch, "failing", "echo about to fail; exit 3");
        String jobId = batch.submitJob(r -> r.jobName("failing").jobQueue("conveyor-queue").jobDefinition("failing")).jobId();

        JobDetail job = awaitDone(batch, jobId);

        assertThat(job.status()).isEqualTo(JobStatus.FAILED);
        assertThat(job.statusReason()).isEqualTo("Essential container in task exited");
        assertThat(job.container().exitCode()).isEqualTo(3);
        assertThat(job.attempts()).hasSize(1);
    }

    @Test
    void overridesAndParametersShapeTheCommandAndEnvironment() {
        batch.registerJobDefinition(r -> r.jobDefinitionName("params").type("container")
                .parameters(Map.of("greeting", "hi", "who", "nobody"))
                .containerProperties(c -> c.image("busybox").vcpus(1).memory(128)
                        .command("sh", "-c", "echo Ref::greeting Ref::who $COLOR")
                        .environment(KeyValuePair.builder().name("COLOR").value("red").build())));
        String jobId = batch.submitJob(r -> r.jobName("params").jobQueue("conveyor-queue").jobDefinition("params")
                .parameters(Map.of("who", "world"))
                .containerOverrides(o -> o.environment(KeyValuePair.builder().name("COLOR").value("blue").build()))).jobId();

        JobDetail job = awaitDone(batch, jobId);

        assertThat(job.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(job.parameters()).containsEntry("who", "world").containsEntry("greeting", "hi");
        assertThat(messages(job.container().logStreamName())).containsExactly("hi world blue");

        String overridden = batch.submitJob(r -> r.jobName("params2").jobQueue("conveyor-queue").jobDefinition("params:1")
                .containerOverrides(o -> o.command("echo", "replaced", "Ref::greeting"))).jobId();
        JobDetail second = awaitDone(batch, overridden);
        assertThat(second.container().command()).containsExactly("echo", "replaced", "hi");
        assertThat(messages(second.container().logStreamName())).containsExactly("replaced hi");
    }

    @Test
    void aJobOverItsScaledTimeoutIsStoppedAndFailed() {
        shellDefinition(batch, "slow", "sleep 30");
        String jobId = batch.submitJob(r -> r.jobName("slow").jobQueue("conveyor-queue").jobDefinition("slow")
                .timeout(t -> t.attemptDurationSeconds(60))).jobId();

        JobDetail job = awaitDone(batch, jobId);

        assertThat(job.status()).isEqualTo(JobStatus.FAILED);
        assertThat(job.statusReason()).isEqualTo("Job attempt duration exceeded timeout");
        assertThat(job.timeout().attemptDurationSeconds()).isEqualTo(60);
    }

    @Test
    void aCommandThatCannotStartFailsWithCannotStartContainerError() {
        batch.registerJobDefinition(r -> r.jobDefinitionName("missing-binary").type("container")
                .containerProperties(c -> c.image("busybox").command("/no/such/binary")));
        String jobId = batch.submitJob(r -> r.jobName("nobin").jobQueue("conveyor-queue").jobDefinition("missing-binary")).jobId();

        JobDetail job = awaitDone(batch, jobId);

        assertThat(job.status()).isEqualTo(JobStatus.FAILED);
        assertThat(job.container().reason()).startsWith("CannotStartContainerError");
        assertThat(job.container().exitCode()).isNull();
    }

    @Test
    void terminatingARunningJobKillsItAndCancellingItDoesNothing() {
        shellDefinition(batch, "forever", "echo started; sleep 60");
        String jobId = batch.submitJob(r -> r.jobName("forever").jobQueue("conveyor-queue").jobDefinition("forever")).jobId();
        await().atMost(Duration.ofSeconds(10)).until(() -> describe(batch, jobId).status() == JobStatus.RUNNING);

        batch.cancelJob(r -> r.jobId(jobId).reason("too late to cancel"));
        assertThat(describe(batch, jobId).status()).isEqualTo(JobStatus.RUNNING);

        batch.terminateJob(r -> r.jobId(jobId).reason("stopped by test"));
        JobDetail job = awaitDone(batch, jobId);
        assertThat(job.status()).isEqualTo(JobStatus.FAILED);
        assertThat(job.statusReason()).isEqualTo("stopped by test");
        assertThat(job.isTerminated()).isTrue();
    }

    @Test
    void gettingEventsOfAnUnknownStreamIsResourceNotFound() {
        assertThatThrownBy(() -> logs.getLogEvents(r -> r.logGroupName("/aws/batch/job").logStreamName("nope/default/x")))
                .isInstanceOf(ResourceNotFoundException.class)
                .hasMessageContaining("log stream does not exist");
    }

    @Test
    void logEventsPageForwardAndBackward() {
        shellDefinition(batch, "counting", "for i in 1 2 3 4 5; do echo line$i; done");
        String jobId = batch.submitJob(r -> r.jobName("count").jobQueue("conveyor-queue").jobDefinition("counting")).jobId();
        String stream = awaitDone(batch, jobId).container().logStreamName();

        GetLogEventsResponse head = logs.getLogEvents(r -> r.logGroupName("/aws/batch/job").logStreamName(stream)
                .startFromHead(true).limit(2));
        GetLogEventsResponse next = logs.getLogEvents(r -> r.logGroupName("/aws/batch/job").logStreamName(stream)
                .nextToken(head.nextForwardToken()).limit(2));
        GetLogEventsResponse tail = logs.getLogEvents(r -> r.logGroupName("/aws/batch/job").logStreamName(stream).limit(2));

        assertThat(head.events()).extracting(OutputLogEvent::message).containsExactly("line1", "line2");
        assertThat(next.events()).extracting(OutputLogEvent::message).containsExactly("line3", "line4");
        assertThat(tail.events()).extracting(OutputLogEvent::message).containsExactly("line4", "line5");
    }

    private static List<String> messages(String stream) {
        return logs.getLogEvents(r -> r.logGroupName("/aws/batch/job").logStreamName(stream).startFromHead(true))
                .events().stream().map(OutputLogEvent::message).toList();
    }
}
