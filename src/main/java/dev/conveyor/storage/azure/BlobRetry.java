package dev.conveyor.storage.azure;

import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelineNextPolicy;
import com.azure.core.http.HttpPipelineNextSyncPolicy;
import com.azure.core.http.HttpPipelinePosition;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.ExponentialBackoffOptions;
import com.azure.core.http.policy.HttpPipelinePolicy;
import com.azure.core.http.policy.RequestRetryCondition;
import com.azure.core.http.policy.RetryOptions;
import com.azure.core.http.policy.RetryPolicy;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.Set;

/**
 * The store's in-call retry: azure-core's {@link RetryPolicy}, which waits what the service's
 * {@code Retry-After} (or {@code x-ms-retry-after-ms}) asks, else backs off exponentially. It runs
 * once per call, around the storage SDK's own retry policy (set to a single try, so only its
 * per-try timeout applies): the Storage SDK's policy ignores Retry-After.
 *
 * <p>It retries connection failures, timeouts and 408/429/500/502/503/504 — but never waits
 * longer than {@code maxDelay}: a service asking for a longer pause gets its answer back at once,
 * and the caller sees a {@link dev.conveyor.storage.StoreUnavailableException} carrying that
 * Retry-After (the stage's own policy then waits, instead of a thread sleeping here).
 */
final class BlobRetry implements HttpPipelinePolicy {
    private static final Set<Integer> TRANSIENT = Set.of(408, 429, 500, 502, 503, 504);
    private final RetryPolicy delegate;

    BlobRetry(int maxTries, Duration maxDelay) {
        Duration base = Duration.ofMillis(Math.min(800, Math.max(1, maxDelay.toMillis())));
        RetryOptions options = new RetryOptions(new ExponentialBackoffOptions()
                .setMaxRetries(maxTries - 1).setBaseDelay(base).setMaxDelay(maxDelay))
                .setShouldRetryCondition(c -> shouldRetry(c, maxDelay));
        this.delegate = new RetryPolicy(options);
    }

    static boolean shouldRetry(RequestRetryCondition c, Duration maxDelay) {
        HttpResponse response = c.getResponse();
        if (response == null) {
            return c.getThrowable() != null && BlobErrors.networkCause(c.getThrowable()) != null;
        }
        if (!TRANSIENT.contains(response.getStatusCode())) {
            return false;
        }
        return BlobErrors.retryAfter(response.getHeaders()).map(d -> d.compareTo(maxDelay) <= 0).orElse(true);
    }

    @Override
    public Mono<HttpResponse> process(HttpPipelineCallContext context, HttpPipelineNextPolicy next) {
        return delegate.process(context, next);
    }

    @Override
    public HttpResponse processSync(HttpPipelineCallContext context, HttpPipelineNextSyncPolicy next) {
        return delegate.processSync(context, next);
    }

    @Override
    public HttpPipelinePosition getPipelinePosition() {
        return HttpPipelinePosition.PER_CALL;
    }
}
