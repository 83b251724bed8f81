package dev.conveyor.emulator.azure;

import java.util.Map;
import java.util.Random;

/** Decides, from a seeded random source, whether a request is delayed, throttled or failed; in an outage, every one fails. */
final class FaultInjector {
    private final FaultOptions options;
    private final Random random;
    private volatile boolean outage;

    FaultInjector(FaultOptions options) {
        this.options = options;
        this.random = new Random(options.seed());
    }

    /** While {@code down}, every request is answered 503 ServerBusy, as in a service outage. */
    void outage(boolean down) {
        outage = down;
    }

    /** Sleeps the configured latency, then throws the injected failure, if any, for this request. */
    void apply() {
        if (outage) {
            throw new BatchException(503, "ServerBusy", "The server is currently unable to receive requests. "
                    + "Please retry your request. (An outage of the emulator.)");
        }
        if (!options.latency().isZero()) {
            try {
                Thread.sleep(options.latency().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        double throttleDraw;
        double errorDraw;
        synchronized (random) {
            throttleDraw = random.nextDouble();
            errorDraw = random.nextDouble();
        }
        if (throttleDraw < options.throttleRate()) {
            throw new BatchException(429, "TooManyRequests",
                    "The request was throttled because the account exceeded its request rate limit.",
                    Map.of("RetryAfterSeconds", Integer.toString(options.retryAfterSeconds())))
                    .header("Retry-After", Integer.toString(options.retryAfterSeconds()));
        }
        if (errorDraw < options.serverErrorRate()) {
            if (options.serverErrorStatus() == 503) {
                throw new BatchException(503, "ServerBusy", "The server is currently unable to receive requests. "
                        + "Please retry your request.").header("Retry-After", Integer.toString(options.retryAfterSeconds()));
            }
            throw new BatchException(500, "InternalError", "Server encountered an internal error. Please try again "
                    + "after some time.");
        }
    }
}
