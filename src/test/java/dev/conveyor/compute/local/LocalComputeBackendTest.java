package dev.conveyor.compute.local;

import dev.conveyor.compute.ComputeBackend;
import dev.conveyor.compute.ComputeBackendContract;
import dev.conveyor.engine.JobDriver;
import dev.conveyor.engine.Phase;
import dev.conveyor.engine.RunState;
import dev.conveyor.model.JobState;
import dev.conveyor.model.TaskState;
import dev.conveyor.storage.ObjectStore;
import dev.conveyor.storage.file.FileObjectStore;
import dev.conveyor.testing.EngineRun;
import dev.conveyor.testing.Jobs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The compute contract on the {@code local} backend, plus what only it does: processes, isolation, takeover. */
class LocalComputeBackendTest extends ComputeBackendContract {
    @TempDir
    static Path root;
    private static LocalComputeBackend backend;
    private static FileObjectStore store;

    static LocalOptions options(Path dataDir) {
        return new LocalOptions(dataDir, 4, Duration.ofMillis(500), Duration.ofMillis(50), LocalOptions.Isolation.AUTO);
    }

    @Override
    protected ComputeBackend backend() {
        if (backend == null) {
            backend = new LocalComputeBackend(options(root.resolve("local")));
        }
        return backend;
    }

    @Override
    protected ObjectStore store() {
        if (store == null) {
            store = new FileObjectStore(root.resolve("store"));
        }
        return store;
    }

    @AfterAll
    static void close() {
        if (backend != null) {
            backend.close();
        }
    }

    private Path attempt(String jobId, String task, int n) {
        return root.resolve("local/jobs").resolve(jobId).resolve(task).resolve("attempt-" + n);
    }

    /**
     * A wrapper that could not fetch what its attempt needs (exit 96; the chaos bench's store outage met the
     * bootstrap's fetch cut by a connection reset) reported nothing: the store's trouble, not the command's — tried
     * again without charging the task's retries (it failed the task, which had none).
     */
    @Test
    void anAttemptWhoseWrapperCouldNotFetchItsInputsIsTheInfrastructuresAndTriedAgain() throws Exception {
        String job = id("setup");
        JobDriver d = run.open(Jobs.of(job, "tasks: [{id: t, command: 'cat in.txt', "
                + "inputs: [{path: in.txt, source: 'https://example.org/in.txt'}]}]"));
        // not staged yet: the wrapper's fetch of it fails
        RunState first = run.runUntil(d, s -> !s.task("t").attempts.isEmpty(), LIMIT);
        assertThat(first.task("t").attempts.get(0).reason()).contains("did not report (exit code 96)");
        assertThat(first.task("t").attempts.get(0).infrastructure()).isTrue();

        store().put(dev.conveyor.storage.JobKeys.inputs(job, "t") + "in.txt", "staged\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        RunState s = run.runToEnd(d, LIMIT);

        assertThat(s.finalState).isEqualTo(JobState.SUCCEEDED);
        assertThat(s.task("t").attempts).hasSize(2);
        assertThat(run.stdout(s, "t")).isEqualTo("staged\n");
    }

    @Test
    void aProcessLeftBehindByTheTaskEndsWithIt() throws Exception {
        // durations unique to this run, so that no other process on the machine is taken for the task's
        String unique = String.format("%09d", Math.floorMod(System.nanoTime(), 1_000_000_000L));
        String left = "sleep 300." + unique;
        String detached = "sleep 301." + unique;
        RunState s = run.runToEnd(Jobs.of(id("leftover"), "tasks: [{id: t, command: '" + left + " & echo $! > bg.pid; setsid "
                + detached + " & echo started'}]"), LIMIT);
        assertThat(s.task("t").state).isEqualTo(TaskState.SUCCEEDED);
        Assumptions_assumeNamespaces();
        await().atMost(Duration.ofSeconds(10)).until(() -> !processRunning(left) && !processRunning(detached));
    }

    private static void Assumptions_assumeNamespaces() {
        org.junit.jupiter.api.Assumptions.assumeTrue(backend.isolatesProcesses(),
                "this machine allows no PID namespaces: leftover processes are ended only with the process group");
    }

    private static boolean processRunning(String commandLine) {
        return ProcessHandle.allProcesses().anyMatch(p -> p.info().commandLine().map(c -> c.endsWith(commandLine)).orElse(false));
    }

    @Test
    void aTaskCannotReadTheServicesEnvironment() {
        Assumptions_assumeNamespaces();
        long service = ProcessHandle.current().pid();
        RunState s = run.runToEnd(Jobs.of(id("environ"),
                "tasks: [{id: t, command: 'cat /proc/" + service + "/environ > env.txt 2>&1; ls /proc | grep -c \"^[0-9]\"'}]"), LIMIT);
        assertThat(s.task("t").state).isEqualTo(TaskState.SUCCEEDED);
        int visible = Integer.parseInt(run.stdout(s, "t").trim());
        assertThat(visible).as("processes the task can see").isLessThan(10);
    }

    @Test
    void aTaskThatSwapsItsLogsOrValuesForLinksReturnsNothingFromOutsideItsFolder() throws Exception {
        Path secret = Files.writeString(root.resolve("secret.txt"), "TOP-SECRET\n");
        RunState s = run.runToEnd(Jobs.of(id("links"), """
                tasks:
                  - id: t
                    command: 'echo visible; ln -sf %s "$CONVEYOR_OUTPUTS"; ln -sf %s out.txt; ln -sf %s ../.conveyor/return/stderr.txt'
                    outputs: [out.txt]
                """.formatted(secret, secret, secret)), LIMIT);
        assertThat(s.task("t").state).isEqualTo(TaskState.SUCCEEDED);
        int n = s.task("t").lastAttempt().attempt();
        assertThat(run.returned(s.jobId, "t", n, "values.env")).doesNotContain("TOP-SECRET");
        assertThat(run.returned(s.jobId, "t", n, "stderr.txt")).doesNotContain("TOP-SECRET");
        assertThat(store.listAll(dev.conveyor.storage.JobKeys.attempt(s.jobId, "t", n) + "outputs/")).isEmpty();
    }

    @Test
    void anotherInstanceOnTheSameDataDirFinishesWhatTheFirstStarted() {
        var job = Jobs.of(id("takeover"), "tasks: [{id: t, command: 'sleep 2; echo done'}, {id: u, command: 'echo u', needs: [t]}]");
        JobDriver first = run.open(job);
        run.runUntil(first, st -> st.task("t").state == TaskState.RUNNING, LIMIT);
        try (LocalComputeBackend other = new LocalComputeBackend(options(root.resolve("local")))) {
            EngineRun second = new EngineRun(other, store, settings());
            RunState s = second.runToEnd(second.open(job), LIMIT);
            assertThat(s.finalState).isEqualTo(JobState.SUCCEEDED);
            assertThat(s.task("t").attempts).hasSize(1);
            assertThat(second.stdout(s, "t")).isEqualTo("done\n");
            assertThat(attempt(job.id(), "t", 2)).doesNotExist();
        }
    }

    @Test
    void anInterruptedSubmissionIsFoundAgainNotRunTwice() throws Exception {
        var job = Jobs.of(id("interrupted"), "tasks: [{id: t, command: 'echo once >> ../../once.txt'}]");
        JobDriver d = run.open(job);
        run.runUntil(d, st -> st.task("t").phase == Phase.ACTIVE, LIMIT);
        // As if the instance died between the submit call and saving its handle:
        var s = d.state();
        s.task("t").phase = Phase.SUBMITTING;
        s.task("t").handle = null;
        s.task("t").submittingSince = java.time.Instant.now().minusSeconds(600);
        new dev.conveyor.engine.RunStore(store).save(s);

        RunState end = run.runToEnd(run.open(job), LIMIT);
        assertThat(end.finalState).isEqualTo(JobState.SUCCEEDED);
        assertThat(end.task("t").attempts).hasSize(1);
        assertThat(Files.readString(attempt(job.id(), "t", 1).resolve("once.txt"))).isEqualTo("once\n");
    }

    @Test
    void releaseRemovesTheJobsFoldersAndStopsWhatStillRuns() {
        var job = Jobs.of(id("release"), "tasks: [{id: t, command: 'sleep 300'}]");
        JobDriver d = run.open(job);
        run.runUntil(d, st -> st.task("t").state == TaskState.RUNNING, LIMIT);
        backend.release(d.context());
        assertThat(root.resolve("local/jobs").resolve(job.id())).doesNotExist();
    }
}
