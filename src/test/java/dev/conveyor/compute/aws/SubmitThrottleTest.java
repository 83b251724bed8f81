package dev.conveyor.compute.aws;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The adaptive SubmitJob pace: halved on throttling, ×1.2 per 100 successes, never above the limit or below 1/s. */
class SubmitThrottleTest {
    @Test
    void throttlingHalvesThePaceAndSuccessesRampItBackUpToTheLimit() {
        SubmitThrottle t = new SubmitThrottle(50);
        t.throttled();
        assertThat(t.rate()).isEqualTo(25.0);
        t.throttled();
        assertThat(t.rate()).isEqualTo(12.5);
        for (int i = 0; i < 99; i++) {
            t.succeeded();
        }
        assertThat(t.rate()).as("not before the 100th success").isEqualTo(12.5);
        t.succeeded();
        assertThat(t.rate()).isEqualTo(15.0);
        for (int i = 0; i < 10_000; i++) {
            t.succeeded();
        }
        assertThat(t.rate()).isEqualTo(50.0);
        for (int i = 0; i < 20; i++) {
            t.throttled();
        }
        assertThat(t.rate()).isEqualTo(1.0);
    }

    @Test
    void callsAreSpacedSoNoSecondHoldsMoreThanTheLimit() {
        SubmitThrottle t = new SubmitThrottle(20);
        long start = System.nanoTime();
        for (int i = 0; i < 21; i++) {
            t.acquire();
        }
        assertThat((System.nanoTime() - start) / 1_000_000).as("21 calls at 20/s take at least a second").isGreaterThanOrEqualTo(990);
    }

    /** A call whose turn would come past its window takes no turn, so the calls after it keep theirs. */
    @Test
    void aCallWhoseTurnWouldComePastItsWindowTakesNoTurn() {
        SubmitThrottle t = new SubmitThrottle(1);
        java.time.Instant window = java.time.Instant.now().plusMillis(500);
        assertThat(t.acquire(window)).as("the first turn is now").isTrue();
        for (int i = 0; i < 5; i++) {
            assertThat(t.acquire(window)).as("the next turn is a second away, past the window").isFalse();
        }
        long start = System.nanoTime();
        assertThat(t.acquire(null)).isTrue();
        assertThat((System.nanoTime() - start) / 1_000_000).as("the refused calls held no turn: one second, not six")
                .isBetween(900L, 1900L);
    }
}
