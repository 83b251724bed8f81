package dev.conveyor.emulator.azure;

import java.time.Duration;

/**
 * Faults the emulator injects into authenticated data-plane requests.
 *
 * @param throttleRate      share of requests answered with 429 TooManyRequests (0..1)
 * @param serverErrorRate   share of requests answered with {@code serverErrorStatus} (0..1)
 * @param serverErrorStatus 500 (InternalError) or 503 (ServerBusy)
 * @param latency           added to every request before it is handled
 * @param retryAfterSeconds value of the Retry-After header on 429 answers
 * @param seed              seed of the random source, so a run is reproducible
 */
public record FaultOptions(double throttleRate, double serverErrorRate, int serverErrorStatus,
                           Duration latency, int retryAfterSeconds, long seed) {

    public FaultOptions {
        if (throttleRate < 0 || throttleRate > 1 || serverErrorRate < 0 || serverErrorRate > 1) {
            throw new IllegalArgumentException("fault rates must be between 0 and 1");
        }
        if (serverErrorStatus != 500 && serverErrorStatus != 503) {
            throw new IllegalArgumentException("serverErrorStatus must be 500 or 503");
        }
        latency = latency == null ? Duration.ZERO : latency;
    }

    public static FaultOptions none() {
        return new FaultOptions(0, 0, 503, Duration.ZERO, 1, 0L);
    }

    public FaultOptions withThrottleRate(double rate) {
        return new FaultOptions(rate, serverErrorRate, serverErrorStatus, latency, retryAfterSeconds, seed);
    }

    public FaultOptions withServerErrors(double rate, int status) {
        return new FaultOptions(throttleRate, rate, status, latency, retryAfterSeconds, seed);
    }

    public FaultOptions withLatency(Duration added) {
        return new FaultOptions(throttleRate, serverErrorRate, serverErrorStatus, added, retryAfterSeconds, seed);
    }

    public FaultOptions withSeed(long newSeed) {
        return new FaultOptions(throttleRate, serverErrorRate, serverErrorStatus, latency, retryAfterSeconds, newSeed);
    }

    public boolean any() {
        return throttleRate > 0 || serverErrorRate > 0 || !latency.isZero();
    }
}
