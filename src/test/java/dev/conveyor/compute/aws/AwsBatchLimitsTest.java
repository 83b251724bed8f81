package dev.conveyor.compute.aws;

import dev.conveyor.compute.BackendJob;
import dev.conveyor.compute.Resources;
import dev.conveyor.compute.TaskHandle;
import dev.conveyor.compute.TaskLaunch;
import dev.conveyor.compute.TaskObservation;
import dev.conveyor.credentials.Profile;
import dev.conveyor.emulator.aws.FaultOptions;
import dev.conveyor.engine.EngineSettings;
import dev.conveyor.engine.RunState;
import dev.conveyor.model.JobState;
import dev.conveyor.testing.EngineRun;
import dev.conveyor.testing.Jobs;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * AWS's limits, counted at the emulator: DescribeJobs calls per monitoring cycle across many jobs,
 * SubmitJob calls per task, and the client-side submit pace under injected throttling and 500s.
 * The numbers go to docs/benchmarks.md ("AWS Batch calls per task").
 */
class AwsBatchLimitsTest {

    private static TaskLaunch sleeper(String jobId, int n) {
        String task = "t" + n;
        return new TaskLaunch(task, 1, jobId + "-" + task + "-1", "sleep 120", Map.of(), null, Resources.DEFAULT, 0,
                null, 0, null);
    }

    @Test
    void thirtyJobsOfFortyTasksInFlightAreDescribedInTwelveCallsPerCycle() {
        try (AwsBatchFixture fx = new AwsBatchFixture("aws-limits", 1, FaultOptions.none(),
                AwsBatchSettings.DEFAULT.withSubmitRate(2000), Duration.ofMillis(500))) {
            List<TaskHandle> handles = java.util.Collections.synchronizedList(new ArrayList<>());
            long submitsBefore = fx.calls("SubmitJob");
            long queueLookups = fx.calls("DescribeJobQueues");
            String run = UUID.randomUUID().toString().substring(0, 6);
            // jobs are submitted side by side, as monitoring does for the jobs it watches
            var pool = java.util.concurrent.Executors.newFixedThreadPool(10);
            List<CompletableFuture<Void>> submitted = new ArrayList<>();
            for (int j = 0; j < 30; j++) {
                String jobId = "lim" + run + "-" + j;
                submitted.add(CompletableFuture.runAsync(() -> {
                    BackendJob job = new BackendJob(jobId, jobId, Map.of(), new Profile("default", null, null, Map.of()),
                            Map.of(), null, Map.of());
                    job = job.withEnvironment(fx.backend.ensureEnvironment(job));
                    List<TaskLaunch> launches = new ArrayList<>();
                    for (int t = 0; t < 40; t++) {
                        launches.add(sleeper(jobId, t));
                    }
                    handles.addAll(fx.backend.submit(job, launches));
                }, pool));
            }
            submitted.forEach(CompletableFuture::join);
            pool.shutdown();
            long submits = fx.calls("SubmitJob") - submitsBefore;
            assertThat(fx.calls("DescribeJobQueues") - queueLookups).as("30 jobs opened side by side on one queue: "
                    + "the queue asked once, not once per job").isEqualTo(1);

            for (int cycle = 0; cycle < 2; cycle++) {
                long describes = fx.calls("DescribeJobs");
                long lists = fx.calls("ListJobs");
                Map<TaskHandle, TaskObservation> seen = fx.backend.describe(handles);
                long used = fx.calls("DescribeJobs") - describes;

                assertThat(seen).hasSize(1200);
                assertThat(seen.values()).allMatch(o -> o.phase() == TaskObservation.Phase.QUEUED
                        || o.phase() == TaskObservation.Phase.RUNNING);
                assertThat(used).as("DescribeJobs calls for 1200 handles of 30 jobs").isLessThanOrEqualTo(12);
                assertThat(fx.calls("ListJobs") - lists).isZero();
                System.out.printf("AWS Batch calls: %d tasks, SubmitJob %d (%.2f per task), DescribeJobs %d per cycle"
                        + " (%.3f per task per cycle)%n", handles.size(), submits, submits / 1200.0, used, used / 1200.0);
            }
            assertThat(submits).isEqualTo(1200);
        }
    }

    @Test
    void underTenPercentThrottlingAndTenPercent500sEveryJobSucceedsAndTheSubmitPaceStaysUnderTheLimit() throws Exception {
        int limit = 10;
        FaultOptions faults = FaultOptions.none().withThrottleRate(0.10).withServerErrorRate(0.10).withSeed(7);
        try (AwsBatchFixture fx = new AwsBatchFixture("aws-faults", 16, faults, AwsBatchSettings.DEFAULT.withSubmitRate(limit))) {
            EngineRun run = new EngineRun(fx.backend, fx.store, EngineSettings.DEFAULT
                    .withRetryBackoff(Duration.ofMillis(200), Duration.ofSeconds(1)).withTimeoutGrace(Duration.ofSeconds(2)));
            String prefix = "f" + UUID.randomUUID().toString().substring(0, 6);
            String tasks = """
                    tasks:
                      - id: cell
                        command: 'echo cell ${{ matrix.n }}'
                        strategy: {matrix: {n: [1, 2, 3, 4, 5, 6]}}
                      - {id: a, command: 'echo a'}
                      - {id: b, command: 'echo b'}
                      - {id: c, command: 'echo c', needs: [a, b]}
                      - {id: d, command: 'echo d'}
                      - {id: e, command: 'echo e', needs: [c]}
                    """;
            List<CompletableFuture<RunState>> jobs = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                String id = prefix + "-" + i;
                jobs.add(CompletableFuture.supplyAsync(() -> run.runToEnd(Jobs.of(id, tasks), Duration.ofSeconds(90))));
            }
            for (CompletableFuture<RunState> f : jobs) {
                RunState s = f.get();
                assertThat(s.finalState).as(s.jobId + ": " + s.finalReason).isEqualTo(JobState.SUCCEEDED);
            }
            List<Long> times = fx.aws.requestTimes("SubmitJob");
            assertThat(times).hasSizeGreaterThanOrEqualTo(3 * 6);
            int most = 0;
            for (int i = 0; i < times.size(); i++) {
                int n = 0;
                for (int k = i; k < times.size() && times.get(k) < times.get(i) + 1000; k++) {
                    n++;
                }
                most = Math.max(most, n);
            }
            assertThat(most).as("most SubmitJob calls in any one second").isLessThanOrEqualTo(limit);
            System.out.printf("faults: %d SubmitJob calls for 3 jobs x 11 tasks, at most %d in one second; calls %s%n",
                    times.size(), most, fx.aws.requestCounts());
        }
    }
}
