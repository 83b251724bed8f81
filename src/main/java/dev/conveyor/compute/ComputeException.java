package dev.conveyor.compute;

import java.time.Duration;
import java.util.Optional;

/**
 * A backend call failed: {@link TransientComputeException} (the same call may succeed later) or
 * {@link TerminalComputeException} (it will not: bad options, missing permissions, unknown pool).
 * Messages carry the backend's own words but never a credential.
 */
public abstract sealed class ComputeException extends RuntimeException
        permits TransientComputeException, TerminalComputeException {

    protected ComputeException(String message, Throwable cause) {
        super(message, cause);
    }

    public abstract boolean isTransient();

    /** When the service said when to come back (HTTP Retry-After). */
    public Optional<Duration> retryAfter() {
        return Optional.empty();
    }

    /** The backend's error code (e.g. {@code PoolNotFound}, {@code ClientException}), or null. */
    public String code() {
        return null;
    }
}
