package dev.conveyor.compute.local;

import dev.conveyor.compute.ComputeJob;
import dev.conveyor.compute.TaskStatus;
import dev.conveyor.model.OutputSpec.When;
import dev.conveyor.model.TaskState;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static dev.conveyor.compute.local.LocalTestSupport.attemptDir;
import static dev.conveyor.compute.local.LocalTestSupport.awaitTerminal;
import static dev.conveyor.compute.local.LocalTestSupport.processAlive;
import static dev.conveyor.compute.local.TaskBuilder.job;
import static dev.conveyor.compute.local.TaskBuilder.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class LocalComputeProviderKillTest extends LocalProviderTestBase {
    /** Starts a background grandchild, records its pid, then blocks. */
    static final String WITH_GRANDCHILD = "sleep 300 & echo $! > child.pid; sleep 300";

    @Test
    void timeoutKillsTheWholeProcessTreeAndEndsTimedOut() throws Exception {
        ComputeJob job = job("k1", task("k1", "t", "trap '' TERM; " + WITH_GRANDCHILD).timeout(1)
                .output("child.pid", When.FAILURE));
        provider.submit(job);

        TaskStatus t = awaitTerminal(provider, job).get("t");

        assertThat(t.state()).isEqualTo(TaskState.TIMED_OUT);
        assertThat(t.reason()).isEqualTo("timed out after 1s");
        assertThat(t.lastAttempt().exitCode()).isNull();
        assertThat(t.lastAttempt().stdoutKey()).isNotNull();
        assertThat(t.outputKeys()).hasSize(1);
        long child = Long.parseLong(Files.readString(attemptDir(dataDir, "k1", "t", 1).resolve("wd/child.pid")).trim());
        assertThat(processAlive(child)).as("background grandchild %d", child).isFalse();
        assertThat(Duration.between(t.lastAttempt().startedAt(), t.lastAttempt().finishedAt())).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void timedOutAttemptIsRetried() {
        ComputeJob job = job("k2", task("k2", "t", "[ \"$CONVEYOR_ATTEMPT\" -ge 2 ] || sleep 300").timeout(1).retries(1));
        provider.submit(job);

        TaskStatus t = awaitTerminal(provider, job).get("t");

        assertThat(t.state()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(t.attempts()).extracting(a -> a.state()).containsExactly(TaskState.TIMED_OUT, TaskState.SUCCEEDED);
    }

    @Test
    void cancelKillsRunningTreesAndCancelsPendingTasks() throws Exception {
        ComputeJob job = job("k3",
                task("k3", "run", WITH_GRANDCHILD).retries(3),
                task("k3", "next", "true").dependsOn("run"));
        provider.submit(job);
        Path childPid = attemptDir(dataDir, "k3", "run", 1).resolve("wd/child.pid");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.isRegularFile(childPid) && Files.size(childPid) > 0);

        provider.cancel(job, "user asked");

        Map<String, TaskStatus> s = LocalTestSupport.byId(provider.poll(job));
        assertThat(s.get("run").state()).isEqualTo(TaskState.CANCELLED);
        assertThat(s.get("run").reason()).isEqualTo("user asked");
        assertThat(s.get("run").attempts()).singleElement()
                .satisfies(a -> assertThat(a.state()).isEqualTo(TaskState.CANCELLED));
        assertThat(s.get("next").state()).isEqualTo(TaskState.CANCELLED);
        assertThat(s.get("next").reason()).isEqualTo("user asked");
        long child = Long.parseLong(Files.readString(childPid).trim());
        await().atMost(Duration.ofSeconds(5)).until(() -> !processAlive(child));
    }
}
