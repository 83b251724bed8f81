package dev.conveyor.ops;

import dev.conveyor.messaging.OutputRefusals;
import dev.conveyor.testing.MutableClock;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code stage-outputs}: DOWN only while an output has been refused longer than the setting, naming its topic. */
class StageOutputsReadinessTest {
    private final MutableClock clock = new MutableClock();
    private final OutputRefusals refusals = new OutputRefusals(clock);
    private final StageOutputsReadiness readiness = new StageOutputsReadiness(refusals, Duration.ofMinutes(1), clock);

    @Test
    void upWhileEveryOutputIsTakenOrRefusedOnlyBriefly() {
        assertThat(readiness.probe()).isEqualTo(ProbeResult.up("every output taken"));
        refusals.refused("conveyor.staged", "a", new TimeoutException("no leader"));
        clock.advance(Duration.ofSeconds(59));
        assertThat(readiness.probe()).isEqualTo(ProbeResult.up("1 output(s) refused for less than 60 s, sent again"));
    }

    @Test
    void downOnceAnOutputIsRefusedLongerNamingTopicsJobsAgeAndReason() {
        refusals.refused("conveyor.staged", "a", new TimeoutException("Topic conveyor.staged not present in metadata after 60000 ms."));
        clock.advance(Duration.ofSeconds(30));
        refusals.refused("conveyor.staged", "b", new TimeoutException("Topic conveyor.staged not present in metadata after 60000 ms."));
        refusals.refused("conveyor.completed", "c", new TimeoutException("Expiring 1 record(s)"));
        clock.advance(Duration.ofSeconds(45));

        ProbeResult result = readiness.probe();
        assertThat(result.up()).isFalse();
        // conveyor.completed's only refusal is 45 s old: not yet counted
        assertThat(result.detail()).isEqualTo("conveyor.staged: 1 job(s) waiting, refused for 75 s "
                + "(Topic conveyor.staged not present in metadata after 60000 ms.)");

        clock.advance(Duration.ofSeconds(30));
        assertThat(readiness.probe().detail()).isEqualTo("conveyor.completed: 1 job(s) waiting, refused for 75 s (Expiring 1 record(s)); "
                + "conveyor.staged: 2 job(s) waiting, refused for 105 s (Topic conveyor.staged not present in metadata after 60000 ms.)");

        refusals.settled("conveyor.staged", "a");
        refusals.settled("conveyor.staged", "b");
        refusals.settled("conveyor.completed", "c");
        assertThat(readiness.probe().up()).isTrue();
    }

    @Test
    void recordsTheDlqDoesNotTakeAreCountedAsRecords() {
        refusals.recordRefused("conveyor.dlq", "conveyor.requests/2/17", new TimeoutException("Topic conveyor.dlq not present in metadata after 60000 ms."));
        refusals.recordRefused("conveyor.dlq", "conveyor.requests/2/18", new TimeoutException("Topic conveyor.dlq not present in metadata after 60000 ms."));
        clock.advance(Duration.ofSeconds(61));
        assertThat(readiness.probe()).isEqualTo(ProbeResult.down("conveyor.dlq: 2 record(s) waiting, refused for 61 s "
                + "(Topic conveyor.dlq not present in metadata after 60000 ms.)"));
    }
}
