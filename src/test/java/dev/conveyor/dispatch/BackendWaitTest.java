package dev.conveyor.dispatch;

import dev.conveyor.compute.TerminalComputeException;
import dev.conveyor.compute.TransientComputeException;
import dev.conveyor.retry.CallPolicy;
import dev.conveyor.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class BackendWaitTest {
    private final MutableClock clock = new MutableClock();
    private final BackendWait waits = new BackendWait(Duration.ofMinutes(30), clock);
    private final RuntimeException away = new TransientComputeException("503 ServerBusy", null);

    @Test
    void aBackendThatStaysAwayIsWaitedForUntilTheWindowHasPassedSinceItsFirstFailure() {
        java.time.Instant start = clock.instant();
        assertThat(waits.mayWait("j1", away)).isEqualTo(new BackendWait.Waiting(start.plus(Duration.ofMinutes(30)), true));
        clock.advance(Duration.ofMinutes(29));
        assertThat(waits.mayWait("j1", away)).as("29 minutes after the first failure")
                .isEqualTo(new BackendWait.Waiting(start.plus(Duration.ofMinutes(30)), false));
        clock.advance(Duration.ofMinutes(1));
        assertThat(waits.mayWait("j1", away)).as("30 minutes: given up").isNull();
        assertThat(waits.waiting()).isZero();
    }

    @Test
    void eachJobWaitsFromItsOwnFirstFailureAndADispatchedJobStartsAfresh() {
        assertThat(waits.mayWait("j1", away)).isNotNull();
        clock.advance(Duration.ofMinutes(20));
        assertThat(waits.mayWait("j2", away)).isNotNull();
        waits.done("j1");
        clock.advance(Duration.ofMinutes(15));
        assertThat(waits.mayWait("j1", away)).as("j1 dispatched meanwhile: a new wait").isNotNull();
        assertThat(waits.mayWait("j2", away)).as("j2 waited 15 of its 30 minutes").isNotNull();
        clock.advance(Duration.ofMinutes(15));
        assertThat(waits.mayWait("j2", away)).isNull();
    }

    @Test
    void aFailureThatWillNotPassIsNotWaitedFor() {
        assertThat(waits.mayWait("j1", new TerminalComputeException("AuthenticationFailed", "the key was refused", null))).isNull();
        assertThat(waits.mayWait("j1", new IllegalStateException("a bug"))).isNull();
        assertThat(waits.waiting()).isZero();
    }

    @Test
    void aBackendAwayIsRecognisedThroughThePolicysWrapper() throws Exception {
        RuntimeException wrapped;
        try {
            CallPolicy.direct("t").call("dispatch", () -> {
                throw new java.io.IOException("connection refused", away);
            });
            throw new AssertionError("the call failed");
        } catch (CallPolicy.CallFailedException e) {
            wrapped = e;
        }
        // a checked failure that is not the backend's: not waited for; the backend's own, unchecked: waited for
        assertThat(waits.mayWait("j1", wrapped)).isNull();
        assertThat(waits.mayWait("j1", new java.io.UncheckedIOException(new java.io.IOException("x")))).isNull();
        assertThat(waits.mayWait("j1", away)).isNotNull();
    }

    @Test
    void aWindowOfZeroWaitsForNothing() {
        BackendWait none = new BackendWait(Duration.ZERO, clock);
        assertThat(none.mayWait("j1", away)).isNull();
    }
}
