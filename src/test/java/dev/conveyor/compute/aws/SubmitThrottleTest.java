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
}
