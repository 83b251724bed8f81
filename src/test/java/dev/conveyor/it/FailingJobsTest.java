package dev.conveyor.it;

import dev.conveyor.model.JobState;
import dev.conveyor.model.TaskState;
import dev.conveyor.model.result.JobResult;
import dev.conveyor.model.result.TaskResult;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@QuarkusTest
class FailingJobsTest extends PipelineTestBase {

    @Test
    void nonZeroExitFailsTheJobWithTheStderrTailAndSkipsDownstream() {
        String id = newId("fail");
        JobResult result = run(id, """
                id: %s
                tasks:
                  - id: broken
                    command: echo "disk quota exceeded" >&2; exit 3
                  - id: after
                    command: echo never
                    needs: [broken]
                """.formatted(id));

        assertThat(result.status()).isEqualTo(JobState.FAILED);
        assertThat(result.reason()).contains("broken").contains("exit code 3");
        TaskResult broken = result.tasks().get(0);
        assertThat(broken.status()).isEqualTo(TaskState.FAILED);
        assertThat(broken.exitCode()).isEqualTo(3);
        assertThat(broken.stderrTail()).isEqualTo("disk quota exceeded\n");
        TaskResult after = result.tasks().get(1);
        assertThat(after.status()).isEqualTo(TaskState.SKIPPED);
        assertThat(after.reason()).contains("broken");
        assertThat(after.attemptCount()).isZero();
    }

    @Test
    void taskPastItsTimeoutIsKilledAndTheJobTimesOut() {
        String id = newId("timeout");
        JobResult result = run(id, """
                id: %s
                tasks:
                  - id: slow
                    command: echo started; sleep 60
                    timeout: 1s
                """.formatted(id));

        assertThat(result.status()).isEqualTo(JobState.TIMED_OUT);
        TaskResult slow = result.tasks().get(0);
        assertThat(slow.status()).isEqualTo(TaskState.TIMED_OUT);
        assertThat(slow.reason()).contains("timed out");
        assertThat(slow.stdoutTail()).isEqualTo("started\n");
        assertThat(slow.durationMs()).isLessThan(30_000L);
    }

    @Test
    void failedAttemptIsRetriedAndEveryAttemptIsRecorded() {
        String id = newId("retry");
        JobResult result = run(id, """
                id: %s
                tasks:
                  - id: flaky
                    command: test "$CONVEYOR_ATTEMPT" -ge 2 || { echo "attempt $CONVEYOR_ATTEMPT failed" >&2; exit 1; }
                    retries: 2
                """.formatted(id));

        assertThat(result.status()).isEqualTo(JobState.SUCCEEDED);
        TaskResult flaky = result.tasks().get(0);
        assertThat(flaky.attemptCount()).isEqualTo(2);
        assertThat(flaky.attempts()).extracting(TaskResult.Attempt::status)
                .containsExactly(TaskState.FAILED, TaskState.SUCCEEDED);
        assertThat(flaky.attempts().get(0).exitCode()).isEqualTo(1);
    }

    @Test
    void jobPastItsTimeoutIsStoppedAsTimedOutWithItsRunningTasksCancelled() {
        String id = newId("job-timeout");
        JobResult result = run(id, """
                id: %s
                timeout: 2s
                tasks:
                  - id: done-early
                    command: echo ok
                  - id: endless
                    needs: [done-early]
                    command: sleep 120
                """.formatted(id));

        assertThat(result.status()).isEqualTo(JobState.TIMED_OUT);
        assertThat(result.reason()).isEqualTo("job timed out after 2s");
        assertThat(result.tasks()).extracting(TaskResult::status)
                .containsExactly(TaskState.SUCCEEDED, TaskState.CANCELLED);
        assertThat(result.durationMs()).isLessThan(60_000L);
    }
}
