package dev.conveyor.ops;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one {@link ReadinessContributor} at most once per {@code ttl} and waits at most
 * {@code timeout} for it. Probes that arrive meanwhile get the cached answer; probes that arrive
 * while a check runs wait for that same check (the method is synchronized) instead of starting one
 * of their own.
 */
final class CachedProbe {
    private final ReadinessContributor contributor;
    private final Duration ttl;
    private final Duration timeout;
    private final Clock clock;
    private final ExecutorService executor;
    private ProbeResult last;
    private Instant checkedAt;

    CachedProbe(ReadinessContributor contributor, Duration ttl, Duration timeout, Clock clock, ExecutorService executor) {
        this.contributor = contributor;
        this.ttl = ttl;
        this.timeout = timeout;
        this.clock = clock;
        this.executor = executor;
    }

    String name() {
        return contributor.name();
    }

    synchronized ProbeResult result() {
        Instant now = clock.instant();
        if (last != null && now.isBefore(checkedAt.plus(ttl))) {
            return last;
        }
        last = check();
        checkedAt = clock.instant();
        return last;
    }

    private ProbeResult check() {
        Future<ProbeResult> running = executor.submit(contributor::probe);
        try {
            ProbeResult result = running.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return result == null ? ProbeResult.down("the probe gave no answer") : result;
        } catch (TimeoutException e) {
            running.cancel(true);
            return ProbeResult.down("no answer within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return ProbeResult.down(cause.getClass().getSimpleName() + ": " + cause.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ProbeResult.down("interrupted");
        }
    }
}
