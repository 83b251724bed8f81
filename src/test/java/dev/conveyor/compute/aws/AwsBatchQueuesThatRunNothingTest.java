package dev.conveyor.compute.aws;

import dev.conveyor.emulator.aws.AwsBatchEmulatorOptions;
import dev.conveyor.emulator.aws.AwsBatchEmulatorOptions.ComputeEnvironment;
import dev.conveyor.emulator.aws.AwsBatchEmulatorOptions.JobQueue;
import dev.conveyor.engine.EngineSettings;
import dev.conveyor.engine.JobDriver;
import dev.conveyor.engine.Phase;
import dev.conveyor.engine.RunState;
import dev.conveyor.engine.Step;
import dev.conveyor.model.JobState;
import dev.conveyor.model.TaskState;
import dev.conveyor.testing.EngineRun;
import dev.conveyor.testing.Jobs;
import dev.conveyor.testing.MutableClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.JobStatus;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A job queue whose every enabled compute environment is INVALID (its service role cannot be assumed, its subnet is
 * gone: Batch cannot scale it) keeps its jobs RUNNABLE, saying nothing, until an operator fixes it. Their tasks fail at
 * once, not retried, naming each environment and AWS's reason; a queue that has one valid environment runs them. So
 * does a task that AWS says can never start (its statusReason on a RUNNABLE job). What may change — capacity, an
 * environment an operator disabled — is waited for, and said: the reason of a task its job's time limit stops — unless
 * the operator capped that wait on the queue (its jobStateTimeLimitActions).
 * (The other way a queue runs nothing — a task bigger than its environments — is in {@link AwsBatchBehaviourTest}.)
 */
class AwsBatchQueuesThatRunNothingTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);
    private static final String ROLE = "CLIENT_ERROR - Not authorized to perform sts:AssumeRole";
    private static AwsBatchFixture fx;
    private static EngineRun run;

    @BeforeAll
    static void start() {
        fx = new AwsBatchFixture("aws-queues", AwsBatchSettings.DEFAULT, b -> b
                .computeEnvironment(new ComputeEnvironment("broken-ce", 8).invalid(ROLE))
                .computeEnvironment(new ComputeEnvironment("good-ce", 8))
                .jobQueue(AwsBatchEmulatorOptions.DEFAULT_QUEUE, 1, "broken-ce")
                .jobQueue("mixed-queue", 1, "broken-ce", "good-ce")
                .computeEnvironment(new ComputeEnvironment("small-ce", 8).withInstanceMemory(2048))
                .jobQueue("small-queue", 1, "small-ce")
                .computeEnvironment(new ComputeEnvironment("spot-ce", 8).withNoCapacity())
                .jobQueue("spot-queue", 1, "spot-ce")
                .jobQueue(new JobQueue("capped-queue", 1, List.of("spot-ce"))
                        .withStateTimeLimit("CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY", Duration.ofSeconds(2)))
                .computeEnvironment(new ComputeEnvironment("off-ce", 8).asDisabled())
                .jobQueue("off-queue", 1, "off-ce"));
        run = new EngineRun(fx.backend, fx.store, EngineSettings.DEFAULT.withRetryBackoff(Duration.ofMillis(200),
                Duration.ofSeconds(1)));
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    private static String id(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void theTasksOfAQueueWhoseEveryComputeEnvironmentIsInvalidFailSayingWhyInsteadOfWaitingForEver() {
        long submits = fx.calls("SubmitJob");
        RunState s = run.runToEnd(Jobs.of(id("invalid"), """
                tasks:
                  - {id: single, retries: 3, command: 'echo never'}
                  - id: cells
                    command: 'echo never ${{ matrix.n }}'
                    strategy: {matrix: {n: [1, 2]}}
                """), LIMIT);

        assertThat(s.finalState).isEqualTo(JobState.FAILED);
        assertThat(s.tasks.values()).hasSize(3).allSatisfy(t -> {
            assertThat(t.state).isEqualTo(TaskState.FAILED);
            assertThat(t.reason).contains("every compute environment of job queue conveyor-queue is INVALID (broken-ce: "
                    + ROLE + "): AWS Batch keeps its jobs RUNNABLE until an operator fixes them");
            assertThat(t.attempts).as("one attempt: another would wait the same").hasSize(1);
        });
        assertThat(fx.calls("SubmitJob") - submits).as("the single task and the matrix's one array job").isEqualTo(2);
    }

    /**
     * What only AWS knows — no instance type of the queue's environments has the memory (or GPUs) a job asks for — it
     * says in the RUNNABLE job's statusReason (MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT): the task fails with it, not
     * retried, a matrix's cells too (their array job is listed again while they all wait); a task that fits runs.
     */
    @Test
    void aTaskAwsSaysCanNeverStartFailsWithAwsReason() {
        RunState s = run.runToEnd(run.open(Jobs.of(id("memory"), """
                tasks:
                  - {id: fits, command: 'echo ran', resources: {memory: 1Gi}}
                  - {id: big, retries: 2, command: 'echo never', resources: {memory: 8Gi}}
                  - id: cells
                    command: 'echo never ${{ matrix.n }}'
                    resources: {memory: 4Gi}
                    strategy: {matrix: {n: [1, 2]}}
                """), Map.of("job_queue_arn", "small-queue")), LIMIT);

        assertThat(s.task("fits").state).isEqualTo(TaskState.SUCCEEDED);
        assertThat(s.tasks.keySet().stream().filter(t -> !t.equals("fits")).map(s::task).toList()).hasSize(3).allSatisfy(t -> {
            assertThat(t.state).isEqualTo(TaskState.FAILED);
            assertThat(t.reason).contains("AWS Batch keeps it RUNNABLE: MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT - The job "
                    + "resource requirement (vCPU/memory/GPU) is higher than that can be met by the CE(s) attached to the job "
                    + "queue.");
            assertThat(t.attempts).hasSize(1);
        });
    }

    /**
     * AWS gives its reason after a while, which moves no array's status summary: the cells of a matrix that all wait are
     * listed again once a minute (here, the backend's clock moved a minute on) and fail with it.
     */
    @Test
    void theCellsOfAMatrixAwsSaysCanNeverStartFailOnceListedAgain() {
        MutableClock clock = new MutableClock(Instant.now());
        try (AwsBatchFixture late = new AwsBatchFixture("aws-late", AwsBatchSettings.DEFAULT, b -> b
                .blockedReasonDelay(Duration.ofSeconds(5)).computeEnvironment(new ComputeEnvironment("small-ce", 8)
                        .withInstanceMemory(2048)).jobQueue(AwsBatchEmulatorOptions.DEFAULT_QUEUE, 1, "small-ce"), clock);
             BatchClient batch = AwsBatchBehaviourTest.client(late)) {
            EngineRun r = new EngineRun(late.backend, late.store, EngineSettings.DEFAULT);
            JobDriver d = r.open(Jobs.of(id("late"), """
                    tasks:
                      - id: cells
                        command: 'echo never ${{ matrix.n }}'
                        resources: {memory: 4Gi}
                        strategy: {matrix: {n: [1, 2]}}
                    """));
            r.runUntil(d, st -> st.tasks.values().stream().allMatch(t -> t.phase == Phase.ACTIVE), LIMIT);
            await().atMost(LIMIT).until(() -> waitingCells(batch).size() == 2);
            r.turn(d, null); // the backend lists them RUNNABLE, AWS's reason not given yet
            await().atMost(LIMIT).until(() -> waitingCells(batch).stream().allMatch(c -> c.statusReason() != null));
            r.turn(d, null);
            assertThat(d.state().tasks.values()).as("the summary did not move: not listed again yet")
                    .allSatisfy(t -> assertThat(t.phase).as(t.reason).isEqualTo(Phase.ACTIVE));

            clock.advance(Duration.ofSeconds(61));
            RunState s = r.runToEnd(d, LIMIT);
            assertThat(s.tasks.values()).hasSize(2).allSatisfy(t -> assertThat(t.reason)
                    .contains("AWS Batch keeps it RUNNABLE: MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT"));
        }
    }

    /** The cells of the array jobs on the default queue that wait RUNNABLE. */
    private static java.util.List<software.amazon.awssdk.services.batch.model.JobSummary> waitingCells(BatchClient batch) {
        return batch.listJobs(q -> q.jobQueue(AwsBatchEmulatorOptions.DEFAULT_QUEUE).jobStatus(JobStatus.PENDING))
                .jobSummaryList().stream().flatMap(p -> batch.listJobs(c -> c.arrayJobId(p.jobId())
                        .jobStatus(JobStatus.RUNNABLE)).jobSummaryList().stream()).toList();
    }

    /**
     * A shortage of capacity (spot) may end: the task waits, and when its job's time limit stops it, its reason says it
     * never started and what AWS said it waited for.
     */
    @Test
    void aTaskThatWaitedForCapacityUntilItsJobTimedOutSaysWhatItWaitedFor() {
        List<Step.TaskEvent> events = new CopyOnWriteArrayList<>();
        RunState s = oneTaskWithATimeLimitOn("spot-queue", events);

        assertThat(events).filteredOn(e -> e.state() == TaskState.PENDING).as("said once, as it began to wait")
                .singleElement().satisfies(e -> assertThat(e.reason()).startsWith("waiting: CAPACITY:INSUFFICIENT_INSTANCE"));
        assertThat(s.finalState).isEqualTo(JobState.TIMED_OUT);
        assertThat(s.task("t").state).isEqualTo(TaskState.CANCELLED);
        assertThat(s.task("t").reason).isEqualTo("job timed out after 3s (it never started on the backend, which said: "
                + "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY - There is not enough capacity to fulfill your request. Please try "
                + "again later or use other instance types.)");
    }

    /**
     * An operator may cap how long a job waits RUNNABLE for a reason — the queue's jobStateTimeLimitActions, as AWS
     * advises for blocked queues — and AWS then cancels it: the task fails with the queue's words, not retried, as another
     * attempt would wait as long again.
     */
    @Test
    void aTaskWhoseWaitItsQueueCapsFailsWithTheQueuesWordsAndIsNotRetried() {
        RunState s = run.runToEnd(run.open(Jobs.of(id("capped"), "tasks: [{id: t, retries: 2, command: 'echo never'}]"),
                Map.of("job_queue_arn", "capped-queue")), LIMIT);

        assertThat(s.finalState).isEqualTo(JobState.FAILED);
        assertThat(s.task("t").state).isEqualTo(TaskState.FAILED);
        assertThat(s.task("t").reason).contains("its job queue stopped its wait in RUNNABLE (jobStateTimeLimitActions): "
                + "Terminated by JobStateTimeLimit action due to reason: CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY");
        assertThat(s.task("t").attempts).as("not retried").hasSize(1);
        try (BatchClient batch = AwsBatchBehaviourTest.client(fx)) {
            assertThat(batch.describeJobQueues(q -> q.jobQueues("capped-queue")).jobQueues().get(0).jobStateTimeLimitActions())
                    .as("the action, as DescribeJobQueues gives it").singleElement().satisfies(a -> {
                        assertThat(a.reason()).isEqualTo("CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY");
                        assertThat(a.stateAsString()).isEqualTo("RUNNABLE");
                        assertThat(a.maxTimeSeconds()).isEqualTo(2);
                        assertThat(a.actionAsString()).isEqualTo("CANCEL");
                    });
        }
    }

    /** A queue an operator turned off (every environment DISABLED) may be turned on again: its tasks wait, saying why. */
    @Test
    void aTaskOnAQueueWhoseEveryEnvironmentIsDisabledWaitsSayingWhy() {
        RunState s = oneTaskWithATimeLimitOn("off-queue", new CopyOnWriteArrayList<>());

        assertThat(s.finalState).isEqualTo(JobState.TIMED_OUT);
        assertThat(s.task("t").reason).isEqualTo("job timed out after 3s (it never started on the backend, which said: "
                + "every compute environment of job queue off-queue is DISABLED (off-ce))");
    }

    /** A one-task job with a 3-s time limit on {@code queue}, run to its end; its task events into {@code events}. */
    private static RunState oneTaskWithATimeLimitOn(String queue, List<Step.TaskEvent> events) {
        JobDriver d = run.open(Jobs.of(id(queue), "timeout: 3s\ntasks: [{id: t, command: 'echo never'}]"),
                Map.of("job_queue_arn", queue));
        await().atMost(LIMIT).until(() -> {
            events.addAll(run.turn(d, null).events());
            return d.state().ended();
        });
        return d.state();
    }

    @Test
    void aQueueWithOneValidComputeEnvironmentRunsItsTasks() {
        RunState s = run.runToEnd(run.open(Jobs.of(id("mixed"), "tasks: [{id: t, command: 'echo ran'}]"),
                Map.of("job_queue_arn", "mixed-queue")), LIMIT);

        assertThat(s.finalState).isEqualTo(JobState.SUCCEEDED);
        assertThat(run.stdout(s, "t")).isEqualTo("ran\n");
    }
}
