package dev.conveyor.storage.azure;

import dev.conveyor.credentials.AzureAccount;

import java.time.Duration;
import java.util.Objects;

/**
 * How the Azure Blob store reaches its account ({@code conveyor.storage.azure.*} plus the profile's
 * Azure account).
 *
 * @param account         the storage account and its credential (shared key, service principal or managed identity)
 * @param containerPrefix the main container's name; job containers are {@code <prefix>-j-…} ({@link BlobLayout})
 * @param blockSize       bytes per block of a streamed upload: the memory one put holds at most
 * @param maxUrlValidity  the longest a signed URL or grant stays valid (user-delegation SAS: at most 7 days)
 * @param requestTimeout  one HTTP attempt's limit
 * @param maxTries        attempts per call for connection failures, 408/429/5xx (1 = no retry in the store)
 * @param maxRetryDelay   the longest the store waits between two attempts; a service asking for a longer
 *                        {@code Retry-After} gets a {@link dev.conveyor.storage.StoreUnavailableException} at once
 */
public record AzureBlobSettings(
        AzureAccount account,
        String containerPrefix,
        int blockSize,
        Duration maxUrlValidity,
        Duration requestTimeout,
        int maxTries,
        Duration maxRetryDelay) {

    public static final int MIN_BLOCK_SIZE = 64 * 1024;
    /** Azure's largest block (Put Block) in current service versions. */
    public static final int MAX_BLOCK_SIZE = 256 * 1024 * 1024;

    public AzureBlobSettings {
        Objects.requireNonNull(account, "account");
        if (account.storageAccountName() == null) {
            throw new IllegalArgumentException("the Azure profile has no storage-account-name");
        }
        if (blockSize < MIN_BLOCK_SIZE || blockSize > MAX_BLOCK_SIZE) {
            throw new IllegalArgumentException("conveyor.storage.azure.block-size must be between 64 KiB and 256 MiB, was " + blockSize);
        }
        if (maxTries < 1) {
            throw new IllegalArgumentException("conveyor.storage.azure.max-tries must be at least 1, was " + maxTries);
        }
        if (requestTimeout.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("conveyor.storage.azure.request-timeout must be at least 1s, was " + requestTimeout);
        }
        if (maxUrlValidity.isNegative() || maxUrlValidity.isZero()) {
            throw new IllegalArgumentException("conveyor.storage.azure.max-url-validity must be positive");
        }
    }

    /** The defaults the configuration documents, for {@code account}. */
    public static AzureBlobSettings defaults(AzureAccount account) {
        return new AzureBlobSettings(account, "conveyor", 8 * 1024 * 1024, Duration.ofDays(7),
                Duration.ofSeconds(60), 3, Duration.ofSeconds(10));
    }

    public AzureBlobSettings withContainerPrefix(String prefix) {
        return new AzureBlobSettings(account, prefix, blockSize, maxUrlValidity, requestTimeout, maxTries, maxRetryDelay);
    }

    public AzureBlobSettings withBlockSize(int bytes) {
        return new AzureBlobSettings(account, containerPrefix, bytes, maxUrlValidity, requestTimeout, maxTries, maxRetryDelay);
    }

    public AzureBlobSettings withRetries(int tries, Duration maxDelay) {
        return new AzureBlobSettings(account, containerPrefix, blockSize, maxUrlValidity, requestTimeout, tries, maxDelay);
    }

    public AzureBlobSettings withRequestTimeout(Duration timeout) {
        return new AzureBlobSettings(account, containerPrefix, blockSize, maxUrlValidity, timeout, maxTries, maxRetryDelay);
    }
}
