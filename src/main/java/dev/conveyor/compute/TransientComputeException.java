package dev.conveyor.compute;

import java.time.Duration;
import java.util.Optional;

/** The call may succeed later: throttling (429/TooManyRequests), 5xx, timeouts, connection failures. */
public final class TransientComputeException extends ComputeException {
    private final Duration retryAfter;
    private final boolean throttled;

    public TransientComputeException(String message, Duration retryAfter, boolean throttled, Throwable cause) {
        super(message, cause);
        this.retryAfter = retryAfter;
        this.throttled = throttled;
    }

    public TransientComputeException(String message, Throwable cause) {
        this(message, null, false, cause);
    }

    @Override
    public boolean isTransient() {
        return true;
    }

    @Override
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /** The service said "too many requests" (as opposed to failing). */
    public boolean throttled() {
        return throttled;
    }
}
