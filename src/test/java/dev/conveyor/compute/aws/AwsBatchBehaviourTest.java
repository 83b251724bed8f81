package dev.conveyor.compute.aws;

import dev.conveyor.compute.BackendJob;
import dev.conveyor.compute.TaskHandle;
import dev.conveyor.credentials.Profile;
import dev.conveyor.emulator.aws.AwsBatchEmulatorOptions;
import dev.conveyor.engine.EngineSettings;
import dev.conveyor.engine.JobDriver;
import dev.conveyor.engine.Phase;
import dev.conveyor.engine.RunState;
import dev.conveyor.engine.RunStore;
import dev.conveyor.model.JobState;
import dev.conveyor.model.TaskState;
import dev.conveyor.testing.EngineRun;
import dev.conveyor.testing.Jobs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.JobDetail;
import software.amazon.awssdk.services.batch.model.JobStatus;
import software.amazon.awssdk.services.batch.model.KeyValuesPair;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the AWS Batch backend does beyond the contract, seen at the emulator through the real SDK:
 * spot reclaims retried free, image pull failures ending at once with the reason, an interrupted
 * submission found again instead of duplicated, a big matrix as one array job (and cancelled),
 * the reaper's view, and what the presigned URLs in a SubmitJob allow.
 */
class AwsBatchBehaviourTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);
    private static AwsBatchFixture fx;
    private static BatchClient batch;
    private EngineRun run;
    private String prefix;

    @BeforeAll
    static void start() {
        fx = new AwsBatchFixture("aws-behaviour", 8, dev.conveyor.emulator.aws.FaultOptions.none(), AwsBatchSettings.DEFAULT);
        batch = client(fx);
    }

    static BatchClient client(AwsBatchFixture f) {
        return BatchClient.builder().endpointOverride(URI.create(f.aws.endpoint())).region(Region.of(f.aws.region()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        f.account.accessKeyId(), f.account.secretAccessKey().reveal()))).build();
    }

    @AfterAll
    static void stop() {
        batch.close();
        fx.close();
    }

    @BeforeEach
    void newRun() {
        run = new EngineRun(fx.backend, fx.store, EngineSettings.DEFAULT.withRetryBackoff(Duration.ofMillis(200), Duration.ofSeconds(1))
                .withTimeoutGrace(Duration.ofSeconds(2)));
        prefix = "b" + UUID.randomUUID().toString().substring(0, 8);
    }

    private String id(String name) {
        return prefix + "-" + name;
    }

    private List<JobDetail> awsJobsNamed(String name) {
        var ids = batch.listJobs(r -> r.jobQueue("conveyor-queue")
                .filters(KeyValuesPair.builder().name("JOB_NAME").values(name).build())).jobSummaryList();
        return ids.isEmpty() ? List.of() : batch.describeJobs(r -> r.jobs(ids.stream().map(s -> s.jobId()).toList())).jobs();
    }

    @Test
    void aSpotReclaimIsRetriedWithoutChargingTheTasksRetries() {
        JobDriver d = run.open(Jobs.of(id("spot"), "tasks: [{id: t, command: 'sleep 2; echo survived'}]"));
        run.runUntil(d, s -> s.task("t").state == TaskState.RUNNING, LIMIT);
        await().atMost(LIMIT).until(() -> fx.aws.reclaimHosts() > 0);

        RunState s = run.runToEnd(d, LIMIT);

        assertThat(s.finalState).isEqualTo(JobState.SUCCEEDED);
        assertThat(s.task("t").attempts).hasSize(2);
        assertThat(s.task("t").attempts.get(0).infrastructure()).isTrue();
        assertThat(s.task("t").attempts.get(0).reason()).contains("Host EC2");
        assertThat(run.stdout(s, "t")).isEqualTo("survived\n");
    }

    @Test
    void anImageThatCannotBePulledFailsTheTaskAtOnceWithTheReasonAndTheLogStream() {
        long logCalls = fx.calls("GetLogEvents");
        RunState s = run.runToEnd(Jobs.of(id("pull"),
                "tasks: [{id: t, image: 'registry.invalid/none:1', command: 'echo never'}]"), LIMIT);

        assertThat(s.finalState).isEqualTo(JobState.FAILED);
        assertThat(s.task("t").attempts).hasSize(1);
        assertThat(s.task("t").reason).contains("CannotPullContainerError");
        assertThat(s.task("t").lastAttempt().logRef()).startsWith("cloudwatch:/aws/batch/job/");
        assertThat(fx.calls("GetLogEvents") - logCalls).as("CloudWatch asked once: the wrapper never ran").isEqualTo(1);
    }

    @Test
    void anImageThatCannotBePulledIsNotRetriedEvenWithRetriesLeft() {
        long submits = fx.calls("SubmitJob");
        RunState s = run.runToEnd(Jobs.of(id("pull-retries"),
                "tasks: [{id: t, retries: 3, image: 'registry.invalid/none:1', command: 'echo never'}]"), LIMIT);

        assertThat(s.finalState).isEqualTo(JobState.FAILED);
        assertThat(s.task("t").attempts).as("one attempt: a retry would pull the same missing image").hasSize(1);
        assertThat(s.task("t").reason).contains("CannotPullContainerError").contains("not retried");
        assertThat(fx.calls("SubmitJob") - submits).isEqualTo(1);
    }

    /**
     * A task asking for more vCPUs than any compute environment of its queue may have would stay RUNNABLE for ever
     * (AWS Batch's best-known hang): it fails at once, not retried, saying why; the other tasks run; nothing is left
     * waiting on the queue.
     */
    @Test
    void aTaskThatNeedsMoreVcpusThanItsQueueCanEverHaveFailsSayingWhyInsteadOfWaitingForEver() {
        JobDriver d = run.open(Jobs.of(id("too-big"), """
                tasks:
                  - {id: fits, command: 'echo fine', resources: {cpus: 2}}
                  - {id: huge, retries: 3, command: 'echo never', resources: {cpus: 64}}
                  - id: cells
                    command: 'echo never ${{ matrix.n }}'
                    resources: {cpus: 16}
                    strategy: {matrix: {n: [1, 2, 3]}}
                """));
        RunState s = run.runToEnd(d, LIMIT);

        assertThat(s.finalState).isEqualTo(JobState.FAILED);
        assertThat(s.task("fits").state).isEqualTo(TaskState.SUCCEEDED);
        assertThat(s.task("huge").state).isEqualTo(TaskState.FAILED);
        assertThat(s.task("huge").reason).contains("needs 64 vCPUs, but the compute environments of job queue "
                + "conveyor-queue have at most 8 (maxvCpus)").contains("not retried");
        assertThat(s.task("huge").attempts).as("one attempt: another would wait the same").hasSize(1);
        assertThat(s.tasks.keySet().stream().filter(t -> t.startsWith("cells")).toList()).as("the matrix, one array job")
                .hasSize(3).allSatisfy(t -> assertThat(s.task(t).reason).contains("needs 16 vCPUs"));
        fx.backend.release(d.context()); // as collection does: what still waits on the queue is cancelled
        try (BatchClient batch = client(fx)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> batch.listJobs(r -> r.jobQueue(AwsBatchEmulatorOptions.DEFAULT_QUEUE)
                    .jobStatus(JobStatus.RUNNABLE)).jobSummaryList().stream().noneMatch(j -> j.jobName().contains("too-big")));
        }
    }

    @Test
    void tasksThatRanNeverAskCloudWatchAndStillNameTheirLogStream() {
        long logCalls = fx.calls("GetLogEvents");
        RunState s = run.runToEnd(Jobs.of(id("logs"), "tasks: [{id: ok, command: 'echo fine'}, {id: bad, command: 'echo no >&2; exit 4'}]"), LIMIT);
        assertThat(s.task("ok").state).isEqualTo(TaskState.SUCCEEDED);
        assertThat(s.task("bad").exitCode).isEqualTo(4);
        assertThat(run.returned(s.jobId, "bad", 1, "stderr.txt")).isEqualTo("no\n");
        assertThat(s.task("ok").lastAttempt().logRef()).startsWith("cloudwatch:/aws/batch/job/conveyor-");
        assertThat(fx.calls("GetLogEvents") - logCalls).isZero();
    }

    @Test
    void aSubmissionInterruptedBeforeItsHandleWasSavedIsFoundAgainNotSubmittedTwice() throws Exception {
        var job = Jobs.of(id("crash"), "labels: {team: data, cost-center: '42'}\ntasks: [{id: t, command: 'sleep 1; echo once'}]");
        JobDriver d = run.open(job);
        run.runUntil(d, st -> st.task("t").phase == Phase.ACTIVE, LIMIT);
        // As if the instance died between SubmitJob and saving its handle:
        RunState s = d.state();
        s.task("t").phase = Phase.SUBMITTING;
        s.task("t").handle = null;
        s.task("t").submittingSince = Instant.now().minusSeconds(600);
        new RunStore(fx.store).save(s);

        RunState end = run.runToEnd(run.open(job), LIMIT);

        assertThat(end.finalState).isEqualTo(JobState.SUCCEEDED);
        assertThat(end.task("t").attempts).hasSize(1);
        assertThat(awsJobsNamed(job.id() + "-t-1")).singleElement().satisfies(j -> {
            assertThat(j.tags()).containsEntry("conveyor:job", job.id()).containsEntry("conveyor:task", "t")
                    .containsEntry("conveyor:attempt", "1").containsEntry("team", "data").containsEntry("cost-center", "42");
            assertThat(j.propagateTags()).isTrue();
        });
    }

    @Test
    void interruptedArrayCellsAreFoundInTheirArrayNotSubmittedAgain() throws Exception {
        var job = Jobs.of(id("crasharr"), """
                tasks:
                  - id: cell
                    command: 'sleep 1; echo cell ${{ matrix.n }}'
                    strategy: {matrix: {n: [1, 2, 3]}}
                """);
        JobDriver d = run.open(job);
        run.runUntil(d, st -> st.tasks.values().stream().allMatch(t -> t.phase == Phase.ACTIVE), LIMIT);
        long submits = fx.calls("SubmitJob");
        RunState s = d.state();
        s.tasks.values().forEach(t -> {
            t.phase = Phase.SUBMITTING;
            t.handle = null;
            t.submittingSince = Instant.now().minusSeconds(600);
        });
        new RunStore(fx.store).save(s);

        RunState end = run.runToEnd(run.open(job), LIMIT);

        assertThat(end.finalState).isEqualTo(JobState.SUCCEEDED);
        assertThat(fx.calls("SubmitJob")).as("nothing submitted again").isEqualTo(submits);
        assertThat(run.stdout(end, "cell-2")).isEqualTo("cell 3\n");
    }

    @Test
    void fiveHundredMatrixCellsGoAsOneArrayJobAndCancellingStopsEveryChild() {
        String cells = IntStream.range(0, 500).mapToObj(Integer::toString).collect(Collectors.joining(", "));
        var job = Jobs.of(id("array"), """
                tasks:
                  - id: cell
                    command: 'echo cell ${{ matrix.n }}; sleep 30'
                    strategy: {matrix: {n: [%s]}}
                """.formatted(cells));
        long submits = fx.calls("SubmitJob");
        long logs = fx.calls("GetLogEvents");
        JobDriver d = run.open(job);
        long terminates = fx.calls("TerminateJob");
        run.runUntil(d, st -> st.tasks.values().stream().filter(t -> t.state == TaskState.RUNNING).count() >= 3, LIMIT);

        assertThat(fx.calls("SubmitJob") - submits).as("one SubmitJob for 500 cells").isEqualTo(1);
        String handle = d.state().task("cell-0").handle;
        String parentId = handle.substring(handle.indexOf('/') + 1, handle.indexOf(':'));
        JobDetail described = batch.describeJobs(r -> r.jobs(parentId)).jobs().get(0);
        assertThat(described.arrayProperties().size()).isEqualTo(500);
        assertThat(String.join(" ", described.container().command()).length()).as("the array's command stays small")
                .isLessThan(2000);
        assertThat(described.tags()).containsEntry("conveyor:job", job.id());
        assertThat(d.state().tasks.values()).allSatisfy(t -> assertThat(t.handle).startsWith("default/" + parentId + ":"));

        await().atMost(LIMIT).until(() -> {
            run.turn(d, "enough");
            return d.state().ended();
        });
        assertThat(d.state().finalState).isEqualTo(JobState.CANCELLED);
        assertThat(fx.calls("TerminateJob") - terminates).as("the whole array stopped in one call").isEqualTo(1);
        await().atMost(LIMIT).untilAsserted(() -> assertThat(batch.describeJobs(r -> r.jobs(parentId)).jobs().get(0).status())
                .isEqualTo(JobStatus.FAILED));
        var children = batch.listJobs(r -> r.arrayJobId(parentId).jobStatus(JobStatus.RUNNING)).jobSummaryList();
        assertThat(children).as("no child still running").isEmpty();
        assertThat(fx.calls("GetLogEvents") - logs).isZero();
    }

    @Test
    void theReaperSeesWhatAJobHoldsAndReleaseStopsIt() {
        JobDriver d = run.open(Jobs.of(id("held"), "tasks: [{id: t, command: 'sleep 60'}]"));
        run.runUntil(d, s -> s.task("t").phase == Phase.ACTIVE, LIMIT);
        String awsId = d.state().task("t").handle.substring("default/".length());

        assertThat(fx.backend.jobsHeld()).contains(d.state().jobId);
        fx.backend.release(d.context());

        await().atMost(LIMIT).untilAsserted(() -> assertThat(batch.describeJobs(r -> r.jobs(awsId)).jobs().get(0).status())
                .isEqualTo(JobStatus.FAILED));
        assertThat(fx.backend.jobsHeld()).doesNotContain(d.state().jobId);
    }

    @Test
    void theUrlsInASubmitJobReadOnlyTheirOwnObjectAndExpireWithTheJob() throws Exception {
        var job = Jobs.of(id("urls"), "timeout: 10m\ntasks: [{id: t, command: 'sleep 60'}]");
        JobDriver d = run.open(job);
        run.runUntil(d, s -> s.task("t").phase == Phase.ACTIVE, LIMIT);
        String awsId = d.state().task("t").handle.substring("default/".length());
        String command = String.join(" ", batch.describeJobs(r -> r.jobs(awsId)).jobs().get(0).container().command());
        Matcher m = Pattern.compile("'(http[^']+)'").matcher(command);
        assertThat(m.find()).as("the command fetches its wrapper from a URL: " + command.length() + " chars").isTrue();
        URI url = URI.create(m.group(1));
        HttpClient http = HttpClient.newHttpClient();

        assertThat(http.send(HttpRequest.newBuilder(url).GET().build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                .isEqualTo(200);
        assertThat(http.send(HttpRequest.newBuilder(url).PUT(HttpRequest.BodyPublishers.ofString("x")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode()).as("a read URL does not write").isEqualTo(403);
        URI sibling = URI.create(url.toString().replace("/task.sh?", "/stdout.txt?"));
        assertThat(http.send(HttpRequest.newBuilder(sibling).GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode())
                .as("the signature is for one key").isEqualTo(403);
        String wrapper = http.send(HttpRequest.newBuilder(url).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher put = Pattern.compile("'(http[^']+/stdout\\.txt\\?[^']+)'").matcher(wrapper);
        assertThat(put.find()).as("the wrapper uploads its stdout through a presigned PUT").isTrue();
        URI write = URI.create(put.group(1));
        assertThat(http.send(HttpRequest.newBuilder(write).GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode())
                .as("a write URL does not read").isEqualTo(403);
        URI elsewhere = URI.create(write.toString().replace("/stdout.txt?", "/exitcode?"));
        assertThat(http.send(HttpRequest.newBuilder(elsewhere).PUT(HttpRequest.BodyPublishers.ofString("0")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode()).as("nor writes another key").isEqualTo(403);
        Matcher expires = Pattern.compile("X-Amz-Expires=(\\d+)").matcher(url.getQuery());
        assertThat(expires.find()).isTrue();
        long seconds = Long.parseLong(expires.group(1));
        assertThat(seconds).as("job timeout 10m + margin 1h").isBetween(600L, 600L + 3600 + 60).isLessThanOrEqualTo(604800L);
        run.turn(d, "done");
        await().atMost(LIMIT).until(() -> {
            run.turn(d, "done");
            return d.state().ended();
        });
    }

    @Test
    void theReadinessCheckProvesTheKeysAndAWrongSecretIsTerminal() {
        fx.backend.check();
        var wrong = new dev.conveyor.credentials.AwsAccount(fx.account.region(), fx.account.accessKeyId(),
                dev.conveyor.credentials.Secret.of("not-the-secret-0000000000000000000000000"), null,
                fx.account.batchEndpoint(), fx.account.logsEndpoint(), null, false);
        try (AwsBatchComputeBackend bad = new AwsBatchComputeBackend(new dev.conveyor.credentials.Profiles(Map.of("default",
                new Profile("default", null, wrong, Map.of("job_queue_arn", "conveyor-queue")))), fx.store,
                AwsBatchSettings.DEFAULT, java.time.Clock.systemUTC())) {
            org.assertj.core.api.Assertions.assertThatThrownBy(bad::check)
                    .isInstanceOf(dev.conveyor.compute.TerminalComputeException.class)
                    .hasMessageNotContaining("not-the-secret");
        }
    }

    @Test
    void aThrottledAccountAnswersTheReadinessCheckAtOnceAsThrottled() {
        try (AwsBatchFixture throttled = new AwsBatchFixture("conveyor-check-throttled", 16,
                dev.conveyor.emulator.aws.FaultOptions.none().withThrottleRate(1.0), AwsBatchSettings.DEFAULT)) {
            org.assertj.core.api.Assertions.assertThatThrownBy(throttled.backend::check)
                    .isInstanceOfSatisfying(dev.conveyor.compute.TransientComputeException.class,
                            e -> assertThat(e.throttled()).isTrue());
            // one request: not the read client's retries with backoff, which outlast the health check's timeout
            assertThat(throttled.calls("DescribeJobQueues")).isEqualTo(1);
        }
    }

    @Test
    void aMissingQueueFailsAtDispatchWithAClearError() {
        BackendJob job = new BackendJob(id("noqueue"), "x", Map.of("job_queue_arn", "no-such-queue"),
                new Profile("default", null, null, Map.of()), Map.of(), null, Map.of());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> fx.backend.ensureEnvironment(job))
                .isInstanceOf(dev.conveyor.compute.TerminalComputeException.class)
                .hasMessageContaining("no-such-queue").hasMessageContaining("does not exist");
        assertThat(fx.backend.ensureEnvironment(new BackendJob(id("q"), "x", Map.of(), new Profile("default", null, null, Map.of()),
                Map.of(), null, Map.of()))).containsKey("jobQueue");
        TaskHandle none = new TaskHandle("aws-batch", "x", "t", 1, "default/00000000-0000-0000-0000-000000000000");
        assertThat(fx.backend.describe(List.of(none)).get(none).phase()).isEqualTo(dev.conveyor.compute.TaskObservation.Phase.LOST);
    }
}
