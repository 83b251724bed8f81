package dev.conveyor.staging;

import dev.conveyor.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The rounds of a job whose input source may recover: spaced out further and further, then given up after the window. */
class SourceTroubleTest {
    private final MutableClock clock = new MutableClock();
    private final SourceTrouble trouble = new SourceTrouble(Duration.ofMinutes(5), Duration.ofSeconds(30), clock);

    @Test
    void roundsWaitAboutAsLongAgainAsTheSourceHasFailedUpToTheLongestPauseThenTheJobFails() {
        assertThat(trouble.failedAgain("j")).contains(Duration.ofSeconds(1));
        clock.advance(Duration.ofSeconds(4));
        assertThat(trouble.failedAgain("j")).contains(Duration.ofSeconds(4));
        clock.advance(Duration.ofSeconds(60));
        assertThat(trouble.failedAgain("j")).as("never longer than the longest pause").contains(Duration.ofSeconds(30));
        clock.advance(Duration.ofMinutes(4));
        assertThat(trouble.failedAgain("j")).as("failing for the whole window: the job fails").isEqualTo(Optional.empty());
        assertThat(trouble.jobs()).isZero();
    }

    @Test
    void aJobWhoseInputsWereStagedStartsAfreshAndJobsThatWentElsewhereAreForgotten() {
        trouble.failedAgain("staged");
        clock.advance(Duration.ofMinutes(4));
        trouble.over("staged");
        assertThat(trouble.failedAgain("staged")).as("a new window").contains(Duration.ofSeconds(1));

        trouble.failedAgain("moved"); // its partition went to another instance: never heard of again here
        clock.advance(Duration.ofMinutes(16));
        trouble.failedAgain("other");
        assertThat(trouble.jobs()).as("only the one failing now").isEqualTo(1);
    }
}
