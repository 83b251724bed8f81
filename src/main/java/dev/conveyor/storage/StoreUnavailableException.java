package dev.conveyor.storage;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * The store could not be reached or refused for now (connection failure, 429/503, 5xx): the same
 * call may succeed later, after {@link #retryAfter()} when the store said.
 */
public class StoreUnavailableException extends IOException {
    private final Duration retryAfter;

    public StoreUnavailableException(String message, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.retryAfter = retryAfter;
    }

    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
