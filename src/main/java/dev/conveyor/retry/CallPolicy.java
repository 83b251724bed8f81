package dev.conveyor.retry;

import dev.conveyor.compute.ComputeException;
import dev.conveyor.storage.StoreUnavailableException;
import io.smallrye.faulttolerance.api.CustomBackoffStrategy;
import io.smallrye.faulttolerance.api.Guard;
import io.smallrye.faulttolerance.api.RateLimitException;
import io.smallrye.faulttolerance.api.RateLimitType;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;

/**
 * Runs calls to a backend or the object store under one SmallRye Fault Tolerance guard: transient
 * failures ({@link #isTransient}) are retried with exponential backoff and jitter, never earlier
 * than a Retry-After the service gave; terminal ones fail at once; calls are paced to
 * {@link RetrySettings#ratePerSecond()}. One instance per backend (the pacing is shared by every
 * caller of that backend).
 */
public final class CallPolicy {
    private final String name;
    private final RetrySettings settings;
    private final Guard guard;
    private volatile BiConsumer<String, Throwable> onRetry = (op, e) -> { };
    private volatile CallObserver observer = CallObserver.NONE;
    /** One per process, for every policy (ops/tracing sets it). */
    private static volatile CallTracer tracer = CallTracer.NONE;

    public CallPolicy(String name, RetrySettings settings) {
        this.name = name;
        this.settings = settings;
        Guard.Builder b = Guard.create().withDescription("conveyor-" + name)
                .withRetry()
                .maxRetries(settings.maxRetries())
                .delay(settings.initialDelay().toMillis(), ChronoUnit.MILLIS)
                .maxDuration(Math.max(1, settings.maxDuration().toMillis()), ChronoUnit.MILLIS)
                .jitter(0, ChronoUnit.MILLIS) // the backoff strategy adds its own, proportional jitter
                .whenException(CallPolicy::isTransient)
                .withCustomBackoff().strategy(() -> new Backoff(settings)).done()
                .done();
        if (settings.ratePerSecond() > 0) {
            b = b.withRateLimit().limit(settings.ratePerSecond()).window(1, ChronoUnit.SECONDS)
                    .type(RateLimitType.SMOOTH).done();
        }
        this.guard = b.build();
    }

    public static CallPolicy direct(String name) {
        return new CallPolicy(name, new RetrySettings(0, Duration.ZERO, Duration.ZERO, 0, Duration.ofSeconds(1), 0));
    }

    public String name() {
        return name;
    }

    public RetrySettings settings() {
        return settings;
    }

    /** Called before each retry with the operation and the failure (for logs and metrics). */
    public void onRetry(BiConsumer<String, Throwable> listener) {
        this.onRetry = listener;
    }

    /** Told about each attempt (ok, throttled, error); for metrics. */
    public void observeCalls(CallObserver observer) {
        this.observer = observer == null ? CallObserver.NONE : observer;
    }

    /** Wraps every attempt of every policy (for traces). */
    public static void traceCalls(CallTracer t) {
        tracer = t == null ? CallTracer.NONE : t;
    }

    /** Throttling: a rate limit (ours or the service's) or a transient failure that says when to come back. */
    static boolean isThrottling(Throwable e) {
        return e instanceof RateLimitException || (isTransient(e) && retryAfter(e).isPresent());
    }

    /** Runs {@code call}, retrying transient failures; rethrows the last failure unchanged. */
    @SuppressWarnings("unchecked")
    public <T> T call(String operation, Callable<T> call) {
        Callable<Object> observed = () -> {
            try {
                Object out = tracer.traced(name, operation, call);
                observer.attempted(name, operation, CallObserver.Outcome.OK);
                return out;
            } catch (Exception | Error e) {
                observer.attempted(name, operation, isThrottling(e) ? CallObserver.Outcome.THROTTLED : CallObserver.Outcome.ERROR);
                if (isTransient(e)) {
                    onRetry.accept(operation, e);
                }
                throw e;
            }
        };
        try {
            return (T) guard.call(observed, Object.class);
        } catch (RateLimitException e) {
            observer.attempted(name, operation, CallObserver.Outcome.THROTTLED); // our own pacing refused it
            throw e;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new CallFailedException(operation + " failed: " + e.getMessage(), e);
        }
    }

    /** Runs {@code call} under the policy. */
    public void run(String operation, ThrowingRunnable call) {
        call(operation, () -> {
            call.run();
            return null;
        });
    }

    @FunctionalInterface
    public interface ThrowingRunnable {
        void run() throws Exception;
    }

    /** A checked failure of a guarded call, unchanged inside. */
    public static final class CallFailedException extends RuntimeException {
        CallFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The failure a guarded call threw: unwrapped from the {@link CallFailedException} that carries a checked one. */
    public static Throwable failureOf(Throwable e) {
        return e instanceof CallFailedException && e.getCause() != null ? e.getCause() : e;
    }

    /** Whether a guarded call failed because the object store stayed away (what no stage gives a job up for). */
    public static boolean storeAway(Throwable e) {
        // through whatever wraps it on the way: an unchecked wrapper, or the store's bean failing to start
        // (S3's bucket check when the store is first used) as the container rethrows it
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof StoreUnavailableException) {
                return true;
            }
        }
        return false;
    }

    /** Whether repeating the call may help: throttling, 5xx, timeouts, an unreachable service. */
    public static boolean isTransient(Throwable e) {
        if (e instanceof ComputeException c) {
            return c.isTransient();
        }
        if (e instanceof RateLimitException || e instanceof StoreUnavailableException) {
            return true;
        }
        if (e instanceof TransientFailure t) {
            return t.isTransient();
        }
        if (e instanceof UncheckedIOException u) {
            return isTransient(u.getCause());
        }
        return false;
    }

    /** When the failure says when to come back. */
    static Optional<Duration> retryAfter(Throwable e) {
        if (e instanceof ComputeException c) {
            return c.retryAfter();
        }
        if (e instanceof StoreUnavailableException s) {
            return s.retryAfter();
        }
        if (e instanceof RateLimitException r) {
            return Optional.of(Duration.ofMillis(Math.max(1, r.getRetryAfterMillis())));
        }
        if (e instanceof UncheckedIOException u) {
            return retryAfter(u.getCause());
        }
        return Optional.empty();
    }

    /** Exponential backoff with proportional jitter, never below a Retry-After. */
    static final class Backoff implements CustomBackoffStrategy {
        private final RetrySettings settings;
        private int attempt;

        Backoff(RetrySettings settings) {
            this.settings = settings;
        }

        @Override
        public long nextDelayInMillis(Throwable cause) {
            long base = settings.initialDelay().toMillis() << Math.min(20, attempt++);
            long delay = Math.min(base, settings.maxDelay().toMillis());
            double spread = settings.jitter() * delay;
            delay = Math.max(0, Math.round(delay - spread + ThreadLocalRandom.current().nextDouble() * 2 * spread));
            long after = retryAfter(cause).map(Duration::toMillis).orElse(0L);
            return Math.max(delay, after);
        }
    }
}
