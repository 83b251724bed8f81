package dev.conveyor.compute.azure;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.microsoft.azure.AzureResponseBuilder;
import com.microsoft.azure.batch.BatchClient;
import com.microsoft.azure.batch.auth.BatchCredentials;
import com.microsoft.azure.batch.auth.BatchSharedKeyCredentials;
import com.microsoft.azure.batch.protocol.BatchServiceClient;
import com.microsoft.azure.serializer.AzureJacksonAdapter;
import com.microsoft.rest.RestClient;
import com.microsoft.rest.retry.RetryStrategy;
import dev.conveyor.compute.TerminalComputeException;
import dev.conveyor.credentials.AzureAccount;
import dev.conveyor.credentials.AzureSdkCredentials;
import okhttp3.OkHttpClient;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * Opens the SDK's {@link BatchServiceClient} for one account (for {@link AzureBatchApi#connect}):
 * shared key or Entra ID credentials, the read and connect timeouts, and the SDK's own retry
 * handler switched off, so every retry goes through the backend's {@code CallPolicy}.
 */
final class BatchClients {
    private static final String BATCH_SCOPE = "https://batch.core.windows.net/.default";

    private BatchClients() {
    }

    /** A client for the account: shared key when the profile has one, else Entra ID (service principal or managed identity). */
    static BatchServiceClient open(AzureAccount account, Duration timeout) {
        String url = account.batchAccountUrl();
        if (url == null || url.isBlank()) {
            throw new TerminalComputeException("MissingOption", "the Azure profile has no Batch account URL (batch_account_url)", null);
        }
        BatchCredentials credentials = switch (account.batchAuth()) {
            case SHARED_KEY -> {
                if (account.batchAccountName() == null) {
                    throw new TerminalComputeException("MissingOption", "a Batch account key needs the account name (batch_account_name)", null);
                }
                yield new BatchSharedKeyCredentials(url, account.batchAccountName(), account.batchAccountKey().reveal());
            }
            case SERVICE_PRINCIPAL, MANAGED_IDENTITY -> {
                try {
                    yield new EntraCredentials(url, AzureSdkCredentials.entra(account, null,
                            "Batch account " + (account.batchAccountName() == null ? url : "'" + account.batchAccountName() + "'")));
                } catch (IllegalArgumentException e) {
                    throw new TerminalComputeException("MissingOption", e.getMessage(), null);
                }
            }
        };
        return open(url, credentials, timeout);
    }

    /** A client that sends Entra ID bearer tokens from {@code credential}, fetching one when the last is about to expire. */
    static BatchServiceClient open(String url, TokenCredential credential, Duration timeout) {
        return open(url, new EntraCredentials(url, credential), timeout);
    }

    private static BatchServiceClient open(String url, BatchCredentials credentials, Duration timeout) {
        RestClient rest = new RestClient.Builder()
                .withBaseUrl(url)
                .withCredentials(credentials)
                .withSerializerAdapter(new AzureJacksonAdapter())
                .withResponseBuilderFactory(new AzureResponseBuilder.Factory())
                .withRetryStrategy(new NoRetry())
                .withReadTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .withConnectionTimeout(Math.min(timeout.toMillis(), 30_000), TimeUnit.MILLISECONDS)
                .build();
        return BatchClient.open(rest, url).protocolLayer();
    }

    /** The SDK's own retries are off: the backend's CallPolicy decides (and honours Retry-After). */
    private static final class NoRetry extends RetryStrategy {
        NoRetry() {
            super("conveyor-no-retry", false);
        }

        @Override
        public boolean shouldRetry(int retryCount, okhttp3.Response response) {
            return false;
        }
    }

    /** Entra ID bearer tokens for the Batch resource (service principal or managed identity, via azure-identity). */
    private static final class EntraCredentials implements BatchCredentials {
        private final String baseUrl;
        private final TokenCredential credential;
        private volatile AccessToken token;

        EntraCredentials(String baseUrl, TokenCredential credential) {
            this.baseUrl = baseUrl;
            this.credential = credential;
        }

        @Override
        public String baseUrl() {
            return baseUrl;
        }

        @Override
        public void applyCredentialsFilter(OkHttpClient.Builder builder) {
            builder.addInterceptor(chain -> chain.proceed(chain.request().newBuilder()
                    .header("Authorization", "Bearer " + token().getToken()).build()));
        }

        private AccessToken token() {
            AccessToken t = token;
            if (t == null || t.getExpiresAt().toInstant().isBefore(Instant.now().plusSeconds(120))) {
                t = credential.getTokenSync(new TokenRequestContext().addScopes(BATCH_SCOPE));
                token = t;
            }
            return t;
        }
    }
}
