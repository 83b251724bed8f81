package dev.conveyor.compute.local;

import dev.conveyor.compute.AttemptRecord;
import dev.conveyor.compute.ComputeException;
import dev.conveyor.compute.ComputeJob;
import dev.conveyor.compute.TaskStatus;
import dev.conveyor.model.OutputSpec.When;
import dev.conveyor.model.TaskState;
import dev.conveyor.storage.JobKeys;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import static dev.conveyor.compute.local.LocalTestSupport.awaitTerminal;
import static dev.conveyor.compute.local.LocalTestSupport.read;
import static dev.conveyor.compute.local.TaskBuilder.job;
import static dev.conveyor.compute.local.TaskBuilder.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LocalComputeProviderRunTest extends LocalProviderTestBase {
    @Test
    void successfulTaskUploadsStdoutAndOutputsMatchingThePattern() {
        ComputeJob job = job("j1", task("j1", "t", "echo hello; mkdir -p out/sub; echo a > out/a.txt; echo b > out/sub/b.txt; echo x > out/skip.log")
                .output("out/**.txt", When.SUCCESS)
                .output("*.never", When.FAILURE));
        provider.submit(job);

        TaskStatus t = awaitTerminal(provider, job).get("t");

        assertThat(t.state()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(t.exitCode()).isZero();
        assertThat(t.attempts()).hasSize(1);
        AttemptRecord a = t.lastAttempt();
        assertThat(a.exitCode()).isZero();
        assertThat(a.startedAt()).isNotNull();
        assertThat(a.finishedAt()).isAfterOrEqualTo(a.startedAt());
        assertThat(a.stdoutKey()).isEqualTo(JobKeys.logs("j1", "t") + "attempt-1/stdout.txt");
        assertThat(read(store, a.stdoutKey())).isEqualTo("hello\n");
        assertThat(a.stderrKey()).isEqualTo(JobKeys.logs("j1", "t") + "attempt-1/stderr.txt");
        String out = JobKeys.outputs("j1", "t");
        assertThat(t.outputKeys()).containsExactly(out + "out/a.txt", out + "out/sub/b.txt");
        assertThat(read(store, out + "out/sub/b.txt")).isEqualTo("b\n");
    }

    @Test
    void nonZeroExitFailsTheTaskWithStderrCaptured() {
        ComputeJob job = job("j2", task("j2", "t", "echo boom >&2; exit 3").output("*", When.FAILURE));
        provider.submit(job);

        TaskStatus t = awaitTerminal(provider, job).get("t");

        assertThat(t.state()).isEqualTo(TaskState.FAILED);
        assertThat(t.exitCode()).isEqualTo(3);
        assertThat(t.reason()).isEqualTo("exit code 3");
        assertThat(t.attempts()).singleElement().satisfies(a -> assertThat(a.state()).isEqualTo(TaskState.FAILED));
        assertThat(read(store, t.lastAttempt().stderrKey())).isEqualTo("boom\n");
    }

    @Test
    void downstreamTaskReadsTheFileItsUpstreamProduced() {
        ComputeJob job = job("j3",
                task("j3", "a", "mkdir -p data; echo 42 > data/answer.txt").output("data/*", When.SUCCESS),
                task("j3", "b", "cat in/data/answer.txt").dependsOn("a")
                        .input(JobKeys.outputs("j3", "a"), "in/", true));
        provider.submit(job);

        Map<String, TaskStatus> s = awaitTerminal(provider, job);

        assertThat(s.get("a").state()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(s.get("b").state()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(read(store, s.get("b").lastAttempt().stdoutKey())).isEqualTo("42\n");
        assertThat(s.get("b").lastAttempt().startedAt()).isAfterOrEqualTo(s.get("a").lastAttempt().finishedAt());
    }

    @Test
    void singleObjectInputIsPlacedAtItsPathAndAnEscapingPathFailsTheTask() throws Exception {
        store.put("in/x.txt", "x-content".getBytes());
        ComputeJob job = job("j3b",
                task("j3b", "ok", "cat sub/x.txt").input("in/x.txt", "sub/x.txt", false),
                task("j3b", "bad", "true").input("in/x.txt", "../../evil.txt", false).retries(2));
        provider.submit(job);

        Map<String, TaskStatus> s = awaitTerminal(provider, job);

        assertThat(read(store, s.get("ok").lastAttempt().stdoutKey())).isEqualTo("x-content");
        assertThat(s.get("bad").state()).isEqualTo(TaskState.FAILED);
        assertThat(s.get("bad").reason()).contains("escapes the working directory");
        assertThat(s.get("bad").attempts()).hasSize(1); // a bad spec is not retried
    }

    @Test
    void failingUpstreamSkipsDownstreamTasksTransitively() {
        ComputeJob job = job("j4",
                task("j4", "a", "exit 1"),
                task("j4", "b", "true").dependsOn("a"),
                task("j4", "c", "true").dependsOn("b"));
        provider.submit(job);

        Map<String, TaskStatus> s = awaitTerminal(provider, job);

        assertThat(s.get("a").state()).isEqualTo(TaskState.FAILED);
        assertThat(s.get("b").state()).isEqualTo(TaskState.SKIPPED);
        assertThat(s.get("b").reason()).isEqualTo("upstream task 'a' FAILED");
        assertThat(s.get("b").attempts()).isEmpty();
        assertThat(s.get("c").state()).isEqualTo(TaskState.SKIPPED);
        assertThat(s.get("c").reason()).isEqualTo("upstream task 'b' SKIPPED");
    }

    @Test
    void failedAttemptIsRetriedAndTheSecondAttemptSucceeds() {
        ComputeJob job = job("j5", task("j5", "t",
                "echo attempt $CONVEYOR_ATTEMPT; [ \"$CONVEYOR_ATTEMPT\" -ge 2 ]").retries(2));
        provider.submit(job);

        TaskStatus t = awaitTerminal(provider, job).get("t");

        assertThat(t.state()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(t.attempts()).extracting(AttemptRecord::attempt, AttemptRecord::state, AttemptRecord::exitCode)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(1, TaskState.FAILED, 1),
                        org.assertj.core.groups.Tuple.tuple(2, TaskState.SUCCEEDED, 0));
        assertThat(read(store, t.attempts().get(0).stdoutKey())).isEqualTo("attempt 1\n");
        assertThat(read(store, t.attempts().get(1).stdoutKey())).isEqualTo("attempt 2\n");
    }

    @Test
    void retriesStopAfterMaxRetriesAndTheTaskKeepsTheLastAttemptsState() {
        ComputeJob job = job("j5b", task("j5b", "t", "exit 7").retries(1));
        provider.submit(job);

        TaskStatus t = awaitTerminal(provider, job).get("t");

        assertThat(t.state()).isEqualTo(TaskState.FAILED);
        assertThat(t.attempts()).hasSize(2);
        assertThat(t.reason()).isEqualTo("exit code 7");
    }

    @Test
    void processGetsOnlyTheAllowedEnvironment() {
        ComputeJob job = job("j6", task("j6", "t", "env | sort; pwd").env("GREETING", "hi"));
        provider.submit(job);

        TaskStatus t = awaitTerminal(provider, job).get("t");

        String out = read(store, t.lastAttempt().stdoutKey());
        Path attempt = LocalTestSupport.attemptDir(dataDir, "j6", "t", 1);
        List<String> names = out.lines().filter(l -> l.contains("=")).map(l -> l.substring(0, l.indexOf('='))).toList();
        assertThat(names).doesNotContain("JAVA_HOME", "USER", "MAVEN_OPTS", "HOSTNAME");
        assertThat(names).allMatch(n -> List.of("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "GREETING", "PWD", "OLDPWD",
                "CONVEYOR_JOB_ID", "CONVEYOR_TASK_ID", "CONVEYOR_ATTEMPT", "CONVEYOR_WORKDIR", "CONVEYOR_OUTPUTS", "CONVEYOR_NEEDS").contains(n), "allowed");
        assertThat(out).contains("GREETING=hi", "CONVEYOR_JOB_ID=j6", "CONVEYOR_TASK_ID=t", "CONVEYOR_ATTEMPT=1",
                "HOME=" + attempt.resolve("wd"), "TMPDIR=" + attempt.resolve("tmp"),
                "CONVEYOR_WORKDIR=" + attempt.resolve("wd"), "CONVEYOR_OUTPUTS=" + attempt.resolve("outputs.env"));
        assertThat(out).endsWith(attempt.resolve("wd") + "\n");
        assertThat(System.getenv()).containsKey("PATH"); // the JVM has more than the task got
    }

    @Test
    void slotsLimitKeepsTasksFromOverlapping() {
        provider.close();
        provider = new LocalComputeProvider(LocalTestSupport.fast(dataDir, 1), store);
        ComputeJob job = job("j7", task("j7", "a", "sleep 1"), task("j7", "b", "sleep 1"), task("j7", "c", "sleep 1"));
        provider.submit(job);

        Map<String, TaskStatus> s = awaitTerminal(provider, job);

        List<AttemptRecord> runs = s.values().stream().map(TaskStatus::lastAttempt)
                .sorted(Comparator.comparing(AttemptRecord::startedAt)).toList();
        assertThat(runs).hasSize(3);
        for (int i = 1; i < runs.size(); i++) {
            assertThat(runs.get(i).startedAt()).isAfterOrEqualTo(runs.get(i - 1).finishedAt());
        }
    }

    @Test
    void submittingTheSameJobTwiceChangesNothing() throws Exception {
        ComputeJob job = job("j8", task("j8", "t", "echo $CONVEYOR_ATTEMPT >> ../../runs.txt"));
        provider.submit(job);
        provider.submit(job);
        awaitTerminal(provider, job);
        provider.submit(job);
        provider.submit(job(("j8"), task("j8", "other", "true")));

        List<TaskStatus> s = provider.poll(job);

        assertThat(s).extracting(TaskStatus::taskId).containsExactly("t");
        assertThat(s.get(0).attempts()).hasSize(1);
        assertThat(Files.readString(dataDir.resolve("jobs/j8/t/runs.txt"))).isEqualTo("1\n");
    }

    @Test
    void pollOfAnUnknownJobIsAPermanentError() {
        assertThatThrownBy(() -> provider.poll(job("nope", task("nope", "t", "true"))))
                .isInstanceOf(ComputeException.class)
                .satisfies(e -> assertThat(((ComputeException) e).transientFailure()).isFalse());
    }

    @Test
    void cleanupDeletesTheJobDirectoryAndForgetsTheJob() throws Exception {
        ComputeJob job = job("j9", task("j9", "t", "echo hi"));
        provider.submit(job);
        TaskStatus t = awaitTerminal(provider, job).get("t");

        provider.cleanup(job);

        assertThat(dataDir.resolve("jobs/j9")).doesNotExist();
        assertThat(store.read(t.lastAttempt().stdoutKey(), 1 << 20)).isPresent();
        assertThatThrownBy(() -> provider.poll(job)).isInstanceOf(ComputeException.class);
    }

    @Test
    void typeIsLocal() {
        assertThat(provider.type()).isEqualTo("local");
    }
}
