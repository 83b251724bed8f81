package dev.conveyor.compute.local;

import dev.conveyor.compute.AttemptRecord;
import dev.conveyor.model.TaskState;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class RetryPolicyTest {
    private final RetryPolicy policy = new RetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(5));
    private final Instant now = Instant.parse("2026-11-21T10:00:00Z");

    private static AttemptRecord attempt(int n, TaskState state) {
        return new AttemptRecord(n, state, 1, "exit code 1", null, null, null, null);
    }

    @Test
    void waitDoublesAfterEachFailedAttemptUpToTheMaximum() {
        assertThat(policy.delayAfter(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(policy.delayAfter(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(policy.delayAfter(3)).isEqualTo(Duration.ofSeconds(4));
        assertThat(policy.delayAfter(4)).isEqualTo(Duration.ofSeconds(5));
        assertThat(policy.delayAfter(40)).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void aFailedOrTimedOutAttemptIsRetriedAfterTheBackoffWhileRetriesRemain() {
        assertThat(policy.nextAttempt(attempt(1, TaskState.FAILED), 2, true, now)).contains(now.plusSeconds(1));
        assertThat(policy.nextAttempt(attempt(2, TaskState.TIMED_OUT), 2, true, now)).contains(now.plusSeconds(2));
        assertThat(policy.nextAttempt(attempt(3, TaskState.FAILED), 2, true, now)).isEmpty();
    }

    @Test
    void successesAndUnretryableFailuresEndTheTask() {
        assertThat(policy.nextAttempt(attempt(1, TaskState.SUCCEEDED), 5, true, now)).isEmpty();
        assertThat(policy.nextAttempt(attempt(1, TaskState.FAILED), 5, false, now)).isEmpty();
    }
}
