package dev.conveyor.messaging;

import dev.conveyor.testing.MutableClock;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The outputs the broker refused and that still wait: from the first refusal until taken, stale ones dropped. */
class OutputRefusalsTest {
    private final MutableClock clock = new MutableClock();
    private final OutputRefusals refusals = new OutputRefusals(clock);

    @Test
    void anOutputWaitsFromItsFirstRefusalUntilItIsTaken() {
        Instant first = clock.instant();
        refusals.refused("conveyor.staged", "job-1", new TimeoutException("Topic conveyor.staged not present in metadata after 1000 ms."));
        clock.advance(Duration.ofSeconds(30));
        refusals.refused("conveyor.staged", "job-1", new TimeoutException("again"));
        refusals.refused("conveyor.completed", "job-2", new TimeoutException("other"));

        assertThat(refusals.waiting()).extracting(OutputRefusals.Refusal::jobId).containsExactly("job-1", "job-2");
        OutputRefusals.Refusal one = refusals.waiting().get(0);
        assertThat(one.since()).isEqualTo(first);
        assertThat(one.last()).isEqualTo(clock.instant());
        assertThat(one.reason()).isEqualTo("again");

        refusals.settled("conveyor.staged", "job-1");
        refusals.settled("conveyor.staged", "job-2"); // another topic's output of job-2: not this one
        assertThat(refusals.waiting()).extracting(OutputRefusals.Refusal::jobId).containsExactly("job-2");
    }

    @Test
    void anOutputNobodyRefusedAgainForFiveMinutesIsDropped() {
        refusals.refused("conveyor.completed", "handed-over", new TimeoutException("x"));
        clock.advance(OutputRefusals.STALE.minusSeconds(1));
        assertThat(refusals.waiting()).hasSize(1);
        clock.advance(Duration.ofSeconds(2));
        assertThat(refusals.waiting()).isEmpty();
    }

    @Test
    void aFailureWithoutMessageIsNamedByItsType() {
        refusals.refused("t", "j", new TimeoutException());
        assertThat(refusals.waiting().get(0).reason()).isEqualTo("TimeoutException");
    }
}
