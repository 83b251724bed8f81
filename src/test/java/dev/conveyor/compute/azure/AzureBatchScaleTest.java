package dev.conveyor.compute.azure;

import com.microsoft.azure.batch.protocol.models.CloudTask;
import dev.conveyor.compute.BackendJob;
import dev.conveyor.compute.TaskHandle;
import dev.conveyor.compute.TaskLaunch;
import dev.conveyor.compute.TaskObservation;
import dev.conveyor.emulator.azure.AzureBatchEmulatorOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static dev.conveyor.compute.azure.AzureBatchPoolsAndJobsTest.job;
import static dev.conveyor.compute.azure.AzureBatchPoolsAndJobsTest.opened;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Adding and watching many tasks, counted at the emulator's per-operation request counter: a
 * 1,000-task job goes in chunks of ≤ 100 (one chunk over 1 MB split in two), repeated without
 * duplicates; watching 20 jobs × 50 running tasks costs one task-counts call per job per cycle, and
 * a list call only for the jobs whose counts moved.
 */
class AzureBatchScaleTest {
    @TempDir
    Path root;
    private AzureBatchFixture azure;

    @AfterEach
    void stop() {
        if (azure != null) {
            azure.close();
        }
    }

    private static TaskLaunch launch(String jobId, int i, String command, Map<String, String> env) {
        String task = "t" + i;
        return new TaskLaunch(task, 1, jobId + "-" + task + "-1", command, env, null, null, 0, null, 0, null);
    }

    @Test
    void aThousandTasksGoInChunksOfAHundredAndATooLargeChunkIsSplitAndARepeatDuplicatesNothing() throws Exception {
        // the size estimate is lifted so the service's own 1 MB limit (RequestBodyTooLarge) is what splits
        azure = new AzureBatchFixture(root, AzureBatchEmulatorOptions.defaults().withAllocationDelay(Duration.ofMillis(50)),
                AzureBatchSettings.DEFAULT.withSweepInterval(Duration.ZERO).withMaxChunkBytes(8_000_000));
        BackendJob job = opened(azure.backend, job("thousand", Map.of("pool_id", "no-nodes", "node_count", "0")));
        String big = "x".repeat(15_000); // 100 of these: ~1.5 MB, over the limit
        List<TaskLaunch> launches = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            launches.add(launch(job.jobId(), i, "true", i < 100 ? Map.of("PAD", big) : Map.of()));
        }
        long before = azure.count("Task_AddCollection");

        List<TaskHandle> handles = azure.backend.submit(job, launches);

        long calls = azure.count("Task_AddCollection") - before;
        assertThat(calls).as("10 chunks of 100, the first refused as too large and sent again as two halves").isEqualTo(12);
        String batchJob = job.environment().get(AzureBatchComputeBackend.ENV_JOB);
        List<CloudTask> tasks = azure.client().taskOperations().listTasks(batchJob);
        assertThat(tasks).hasSize(1000);
        assertThat(tasks.stream().map(CloudTask::id).collect(Collectors.toSet()))
                .isEqualTo(handles.stream().map(h -> BulkMonitor.Ref.parse(h.ref()).task()).collect(Collectors.toSet()));

        // a repeat of the same submission (after a crash, or a retried call) adds the same ids: TaskExists, no duplicates
        List<TaskHandle> again = azure.backend.submit(job, launches);
        assertThat(again).isEqualTo(handles);
        assertThat(azure.client().taskOperations().listTasks(batchJob)).hasSize(1000);
        assertThat(azure.backend.recover(job, launches)).hasSize(1000);
    }

    @Test
    void watchingTwentyJobsOfFiftyRunningTasksCostsOneCountsCallPerJobPerCycle() throws Exception {
        azure = new AzureBatchFixture(root, AzureBatchEmulatorOptions.defaults().withAllocationDelay(Duration.ofMillis(50)),
                AzureBatchSettings.DEFAULT.withSweepInterval(Duration.ZERO));
        int jobs = 20;
        int perJob = 50;
        List<TaskHandle> all = new ArrayList<>();
        for (int j = 0; j < jobs; j++) {
            BackendJob job = opened(azure.backend, job("watch-" + j, Map.of("pool_id", "big", "node_count", "10",
                    "max_tasks_per_node", "100")));
            List<TaskLaunch> launches = new ArrayList<>();
            for (int i = 0; i < perJob; i++) {
                launches.add(launch(job.jobId(), i, "exec sleep 91", Map.of()));
            }
            all.addAll(azure.backend.submit(job, launches));
        }
        long t0 = System.nanoTime();
        await().atMost(Duration.ofSeconds(80)).pollInterval(Duration.ofMillis(500)).until(() ->
                azure.backend.describe(all).values().stream().allMatch(o -> o.phase() == TaskObservation.Phase.RUNNING));
        System.out.printf("%d tasks running after %d ms%n", all.size(), (System.nanoTime() - t0) / 1_000_000);

        int cycles = 5;
        Map<String, Long> before = azure.emulator.requestCounts();
        for (int c = 0; c < cycles; c++) {
            Map<TaskHandle, TaskObservation> seen = azure.backend.describe(all);
            assertThat(seen).hasSize(jobs * perJob);
        }
        Map<String, Long> after = azure.emulator.requestCounts();
        long counts = delta(before, after, "Job_GetTaskCounts");
        long lists = delta(before, after, "Task_List");
        long total = after.values().stream().mapToLong(Long::longValue).sum() - before.values().stream().mapToLong(Long::longValue).sum();
        System.out.printf("azure-batch calls per cycle, %d jobs x %d running tasks: %.1f (task counts %.1f, task lists %.1f); "
                + "calls per task per cycle: %.3f%n", jobs, perJob, (double) total / cycles, (double) counts / cycles,
                (double) lists / cycles, (double) total / cycles / (jobs * perJob));
        assertThat(counts).as("one task-counts call per job per cycle").isEqualTo((long) jobs * cycles);
        assertThat(lists).as("nothing moved: no list calls").isZero();
        assertThat(total).as("nothing else is called").isEqualTo(counts);

        // one task per job ends: exactly one (filtered) list call for each of those jobs
        for (int j = 0; j < jobs; j++) {
            BackendJob job = job("watch-" + j, Map.of());
            TaskHandle first = all.get(j * perJob);
            azure.backend.terminate(job.withEnvironment(Map.of(AzureBatchComputeBackend.ENV_ACCOUNT,
                    BulkMonitor.Ref.parse(first.ref()).account(), AzureBatchComputeBackend.ENV_JOB,
                    BulkMonitor.Ref.parse(first.ref()).job())), List.of(first), "matrix cell failed");
        }
        Map<String, Long> mark = azure.emulator.requestCounts();
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            Map<TaskHandle, TaskObservation> seen = azure.backend.describe(all);
            return all.stream().filter((h) -> all.indexOf(h) % perJob == 0)
                    .allMatch(h -> seen.get(h).phase() == TaskObservation.Phase.ENDED);
        });
        Map<String, Long> end = azure.emulator.requestCounts();
        long cycles2 = delta(mark, end, "Job_GetTaskCounts") / jobs;
        assertThat(delta(mark, end, "Task_List")).as("at most one list per job per cycle, only where counts moved")
                .isLessThanOrEqualTo(cycles2 * jobs);
        assertThat(delta(mark, end, "Task_Get")).as("never a call per task").isZero();
        // end the tasks here in one sweep (the emulator would look for each one's process tree on close)
        ProcessHandle.allProcesses().filter(p -> p.info().commandLine().map(c -> c.endsWith("sleep 91")).orElse(false))
                .forEach(ProcessHandle::destroyForcibly);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() ->
                azure.backend.describe(all).values().stream().allMatch(o -> o.phase() == TaskObservation.Phase.ENDED));
    }

    private static long delta(Map<String, Long> before, Map<String, Long> after, String op) {
        return after.getOrDefault(op, 0L) - before.getOrDefault(op, 0L);
    }
}
