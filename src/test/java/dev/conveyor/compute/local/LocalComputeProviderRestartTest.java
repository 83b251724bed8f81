package dev.conveyor.compute.local;

import dev.conveyor.compute.ComputeJob;
import dev.conveyor.compute.TaskStatus;
import dev.conveyor.model.TaskState;
import dev.conveyor.storage.file.FileObjectStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static dev.conveyor.compute.local.LocalTestSupport.attemptDir;
import static dev.conveyor.compute.local.LocalTestSupport.awaitTerminal;
import static dev.conveyor.compute.local.LocalTestSupport.read;
import static dev.conveyor.compute.local.TaskBuilder.job;
import static dev.conveyor.compute.local.TaskBuilder.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class LocalComputeProviderRestartTest {
    @TempDir
    Path tmp;

    @Test
    void newInstanceAdoptsATaskStillRunningAndReportsItsResult() {
        FileObjectStore store = new FileObjectStore(tmp.resolve("store"));
        Path dataDir = tmp.resolve("data");
        ComputeJob job = job("r1", task("r1", "t", "sleep 2; echo done"), task("r1", "after", "echo after").dependsOn("t"));
        try (LocalComputeProvider a = new LocalComputeProvider(LocalTestSupport.fast(dataDir, 2), store)) {
            a.submit(job);
            await().atMost(Duration.ofSeconds(10)).until(() -> a.poll(job).get(0).state() == TaskState.RUNNING);
        }
        assertThat(attemptDir(dataDir, "r1", "t", 1).resolve("exitcode")).doesNotExist();

        try (LocalComputeProvider b = new LocalComputeProvider(LocalTestSupport.fast(dataDir, 2), store)) {
            List<TaskStatus> first = b.poll(job);
            assertThat(first.get(0).state()).isEqualTo(TaskState.RUNNING);

            Map<String, TaskStatus> s = awaitTerminal(b, job);

            TaskStatus t = s.get("t");
            assertThat(t.state()).isEqualTo(TaskState.SUCCEEDED);
            assertThat(t.attempts()).hasSize(1);
            assertThat(read(store, t.lastAttempt().stdoutKey())).isEqualTo("done\n");
            assertThat(s.get("after").state()).isEqualTo(TaskState.SUCCEEDED);
        }
    }

    @Test
    void attemptWhoseProcessVanishedWithoutExitCodeIsLostAndRetried() throws Exception {
        FileObjectStore store = new FileObjectStore(tmp.resolve("store"));
        Path dataDir = tmp.resolve("data");
        ComputeJob job = job("r2", task("r2", "t", "[ \"$CONVEYOR_ATTEMPT\" -ge 2 ] && echo second || sleep 300").retries(1));
        long pid;
        try (LocalComputeProvider a = new LocalComputeProvider(LocalTestSupport.fast(dataDir, 1), store)) {
            a.submit(job);
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(attemptDir(dataDir, "r2", "t", 1).resolve("launch.json")));
            pid = new JobStore(dataDir).loadLaunch(new AttemptDir(attemptDir(dataDir, "r2", "t", 1), 1)).pid();
        }
        // The service is gone; now the task's whole process group dies without recording an exit code.
        ProcessGroups.signalGroup(pid, true);
        await().atMost(Duration.ofSeconds(5)).until(() -> !ProcessGroups.groupAlive(pid));

        try (LocalComputeProvider b = new LocalComputeProvider(LocalTestSupport.fast(dataDir, 1), store)) {
            TaskStatus t = awaitTerminal(b, job).get("t");

            assertThat(t.state()).isEqualTo(TaskState.SUCCEEDED);
            assertThat(t.attempts()).hasSize(2);
            assertThat(t.attempts().get(0).state()).isEqualTo(TaskState.FAILED);
            assertThat(t.attempts().get(0).reason()).isEqualTo(AttemptMonitor.LOST_REASON);
            assertThat(read(store, t.lastAttempt().stdoutKey())).isEqualTo("second\n");
        }
    }

    @Test
    void forgedStartedAttemptWithADeadPidFailsTheTaskAsLostWhenNoRetriesRemain() throws Exception {
        FileObjectStore store = new FileObjectStore(tmp.resolve("store"));
        Path dataDir = tmp.resolve("data");
        ComputeJob job = job("r3", task("r3", "t", "true"), task("r3", "down", "true").dependsOn("t"));
        JobStore disk = new JobStore(dataDir);
        disk.saveJob(job);
        AttemptDir a = disk.createAttempt("r3", "t", 1);
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        disk.saveLaunch(a, new JobStore.LaunchRecord(gone.pid(), Instant.now().minusSeconds(5), Instant.now().minusSeconds(5)));

        try (LocalComputeProvider b = new LocalComputeProvider(LocalTestSupport.fast(dataDir, 1), store)) {
            Map<String, TaskStatus> s = awaitTerminal(b, job);

            assertThat(s.get("t").state()).isEqualTo(TaskState.FAILED);
            assertThat(s.get("t").reason()).isEqualTo(AttemptMonitor.LOST_REASON);
            assertThat(s.get("t").attempts()).singleElement().satisfies(r -> assertThat(r.exitCode()).isNull());
            assertThat(s.get("down").state()).isEqualTo(TaskState.SKIPPED);
        }
    }

    @Test
    void attemptThatEndedWhileNobodyWatchedIsFinishedFromItsExitCode() throws Exception {
        FileObjectStore store = new FileObjectStore(tmp.resolve("store"));
        Path dataDir = tmp.resolve("data");
        ComputeJob job = job("r4", task("r4", "t", "echo quick"));
        try (LocalComputeProvider a = new LocalComputeProvider(LocalTestSupport.fast(dataDir, 1), store)) {
            a.submit(job);
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(attemptDir(dataDir, "r4", "t", 1).resolve("launch.json")));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(attemptDir(dataDir, "r4", "t", 1).resolve("exitcode")));
        try (LocalComputeProvider b = new LocalComputeProvider(LocalTestSupport.fast(dataDir, 1), store)) {
            TaskStatus t = awaitTerminal(b, job).get("t");

            assertThat(t.state()).isEqualTo(TaskState.SUCCEEDED);
            assertThat(read(store, t.lastAttempt().stdoutKey())).isEqualTo("quick\n");
        }
    }

    @Test
    void adoptedAttemptStillTimesOutFromItsRecordedStart() throws Exception {
        FileObjectStore store = new FileObjectStore(tmp.resolve("store"));
        Path dataDir = tmp.resolve("data");
        ComputeJob job = job("r5", task("r5", "t", LocalComputeProviderKillTest.WITH_GRANDCHILD).timeout(2));
        try (LocalComputeProvider a = new LocalComputeProvider(LocalTestSupport.fast(dataDir, 1), store)) {
            a.submit(job);
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(attemptDir(dataDir, "r5", "t", 1).resolve("wd/child.pid")));
        }
        try (LocalComputeProvider b = new LocalComputeProvider(LocalTestSupport.fast(dataDir, 1), store)) {
            TaskStatus t = awaitTerminal(b, job).get("t");

            assertThat(t.state()).isEqualTo(TaskState.TIMED_OUT);
            assertThat(t.reason()).isEqualTo("timed out after 2s");
            assertThat(Duration.between(t.lastAttempt().startedAt(), t.lastAttempt().finishedAt())).isLessThan(Duration.ofSeconds(8));
            long child = Long.parseLong(Files.readString(attemptDir(dataDir, "r5", "t", 1).resolve("wd/child.pid")).trim());
            await().atMost(Duration.ofSeconds(5)).until(() -> !LocalTestSupport.processAlive(child));
        }
    }
}
