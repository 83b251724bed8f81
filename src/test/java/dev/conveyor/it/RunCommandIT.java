package dev.conveyor.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code conveyor run} as a user runs it — the packaged application in its own process, with its
 * embedded broker — bounded, so that a run that would hang fails instead.
 */
class RunCommandIT {
    private static final Duration ONE_RUN = Duration.ofMinutes(2);

    @TempDir
    Path dir;

    /** The slow task's command, unique to this run, so that no other process on the machine is taken for it. */
    private final String nap = "sleep 300." + String.format("%09d", Math.floorMod(System.nanoTime(), 1_000_000_000L));

    @AfterEach
    void killLeftover() {
        ProcessHandle.allProcesses().filter(this::isNap).forEach(ProcessHandle::destroyForcibly);
    }

    private boolean isNap(ProcessHandle ph) {
        return ph.info().commandLine().map(c -> c.endsWith(nap)).orElse(false);
    }

    private ProcessRun run(String... args) throws IOException, InterruptedException {
        return ProcessRun.of(dir, Map.of(), ONE_RUN, ProcessRun.conveyorJar(args));
    }

    @Test
    void aSecondRunOfTheSameIdAnswersFromTheDataFolderWithoutRunningAgain() throws Exception {
        String id = "twice-" + ProcessHandle.current().pid();
        Path request = Files.writeString(dir.resolve("twice.yaml"),
                "id: " + id + "\ntasks: [{id: greet, command: 'echo first run'}]\n");
        ProcessRun first = run("run", request.toString(), "--data-dir", dir.resolve("data").toString());
        assertThat(first.code()).as(first.toString()).isZero();

        ProcessRun second = run("run", request.toString(), "--data-dir", dir.resolve("data").toString());

        assertThat(second.code()).as(second.toString()).isZero();
        assertThat(second.err()).contains("job " + id + " was not run again: a job with this id was already accepted in ")
                .contains("the earlier job " + id + " already finished: SUCCEEDED")
                .contains("or use another --data-dir")
                .doesNotContain("Starting embedded Kafka");
        assertThat(second.out()).contains("Job " + id).contains("| first run");
    }

    @Test
    void aRunThatTimesOutCancelsItsJobAndLeavesNoTaskRunning() throws Exception {
        Path pidFile = dir.resolve("task.pid");
        Path request = Files.writeString(dir.resolve("slow.yaml"), """
                params: {pidfile: '%s'}
                tasks:
                  - id: slow
                    command: echo $$ > "$CONVEYOR_PARAM_PIDFILE"; exec %s
                """.formatted(pidFile, nap));

        ProcessRun result = run("run", request.toString(), "--data-dir", dir.resolve("data").toString(),
                "--timeout", "20s", "--cancel-wait", "30s");

        assertThat(result.code()).as(result.toString()).isEqualTo(4);
        assertThat(result.err()).contains("no result within 20s (--timeout); cancelling job")
                .contains("was cancelled");
        assertThat(result.out()).contains("CANCELLED");
        assertThat(pidFile).as("the task started before the timeout").exists();
        // The task may run in a PID namespace of its own, where $$ is not the host's pid: look for
        // the process by its command line instead.
        await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.allProcesses().noneMatch(this::isNap));
    }

    @Test
    void aMissingFileOrAnUndeclaredParamIsOneLineAndExitCode2() throws Exception {
        ProcessRun missing = run("run", dir.resolve("nope.yaml").toString());
        ProcessRun param = run("run", Path.of("examples", "hello.yaml").toAbsolutePath().toString(), "--param", "x=1");

        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).isEqualTo("conveyor: no such file: " + dir.resolve("nope.yaml") + "\n");
        assertThat(param.code()).isEqualTo(2);
        assertThat(param.err()).isEqualTo("conveyor: --param x: the request declares no params (add it under params: "
                + "to use it)\n");
    }
}
