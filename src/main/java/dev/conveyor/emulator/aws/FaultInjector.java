package dev.conveyor.emulator.aws;

import java.util.Random;

/** Adds latency and turns a seeded share of calls into throttles or server errors; or, during an outage, every call. */
final class FaultInjector {

    private final FaultOptions options;
    private final Random random;
    private volatile boolean outage;

    FaultInjector(FaultOptions options) {
        this.options = options;
        this.random = new Random(options.seed());
    }

    /** While {@code down}, every call is answered 503, as in a service outage. */
    void outage(boolean down) {
        outage = down;
    }

    /** Waits the configured latency, then throws the fault drawn for this call, if any. */
    void apply(Protocol protocol) {
        if (outage) {
            throw new ApiException(503, "ServiceUnavailableException", "Service is unavailable (an outage of the emulator)");
        }
        if (!options.active()) {
            return;
        }
        if (!options.latency().isZero()) {
            try {
                Thread.sleep(options.latency().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        double draw;
        synchronized (random) {
            draw = random.nextDouble();
        }
        double bound = options.throttleRate();
        if (draw < bound) {
            throw new ApiException(protocol.throttleStatus, protocol.throttleType, protocol.throttleMessage);
        }
        bound += options.serverErrorRate();
        if (draw < bound) {
            throw new ApiException(500, protocol.serverErrorType, "Internal server error (injected by the emulator)");
        }
        bound += options.unavailableRate();
        if (draw < bound) {
            throw new ApiException(503, "ServiceUnavailableException", "Service is unavailable (injected by the emulator)");
        }
    }
}
