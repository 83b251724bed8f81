package dev.conveyor.emulator.aws;

import java.time.Duration;
import java.util.Objects;

/**
 * Faults the emulator injects into authenticated API calls, drawn from a seeded random sequence so a
 * test sees the same faults on every run. Rates are probabilities in [0, 1] and add up to at most 1.
 *
 * @param throttleRate share of calls answered as throttled (Batch: 429 TooManyRequestsException;
 *                     Logs: 400 ThrottlingException)
 * @param serverErrorRate share answered 500
 * @param unavailableRate share answered 503
 * @param latency added to every call before it is answered
 * @param seed seed of the random sequence
 */
public record FaultOptions(double throttleRate, double serverErrorRate, double unavailableRate, Duration latency, long seed) {

    public FaultOptions {
        Objects.requireNonNull(latency, "latency");
        check(throttleRate, "throttleRate");
        check(serverErrorRate, "serverErrorRate");
        check(unavailableRate, "unavailableRate");
        if (throttleRate + serverErrorRate + unavailableRate > 1.0 + 1e-9) {
            throw new IllegalArgumentException("fault rates add up to more than 1");
        }
        if (latency.isNegative()) {
            throw new IllegalArgumentException("latency must not be negative");
        }
    }

    public static FaultOptions none() {
        return new FaultOptions(0, 0, 0, Duration.ZERO, 0);
    }

    public FaultOptions withThrottleRate(double rate) {
        return new FaultOptions(rate, serverErrorRate, unavailableRate, latency, seed);
    }

    public FaultOptions withServerErrorRate(double rate) {
        return new FaultOptions(throttleRate, rate, unavailableRate, latency, seed);
    }

    public FaultOptions withUnavailableRate(double rate) {
        return new FaultOptions(throttleRate, serverErrorRate, rate, latency, seed);
    }

    public FaultOptions withLatency(Duration added) {
        return new FaultOptions(throttleRate, serverErrorRate, unavailableRate, added, seed);
    }

    public FaultOptions withSeed(long newSeed) {
        return new FaultOptions(throttleRate, serverErrorRate, unavailableRate, latency, newSeed);
    }

    boolean active() {
        return throttleRate > 0 || serverErrorRate > 0 || unavailableRate > 0 || !latency.isZero();
    }

    private static void check(double rate, String name) {
        if (!(rate >= 0 && rate <= 1)) {
            throw new IllegalArgumentException(name + " must be within [0, 1]");
        }
    }
}
