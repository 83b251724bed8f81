package dev.conveyor.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Min;
import org.hibernate.validator.constraints.time.DurationMin;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The object store, prefix {@code conveyor.storage} ({@link ConveyorConfig#storage}). */
public interface StorageConfig {
    /** Object store type: {@code file}, {@code s3} or {@code azure-blob}. */
    @WithDefault("file")
    String type();

    /** The {@code azure-blob} store ({@code conveyor.storage.azure.*}). */
    AzureBlob azure();

    /** Root folder of the {@code file} store; default {@code <data-dir>/store}. */
    Optional<String> fileRoot();

    /** Folders a request's {@code file:} input sources may be read from (none by default). */
    Optional<List<String>> allowedFileRoots();

    /** The {@code s3} store ({@code conveyor.storage.s3.*}). */
    S3Store s3();

    interface S3Store {
        /** The bucket (required when the type is {@code s3}). */
        Optional<String> bucket();

        /** Put before every key, e.g. {@code conveyor/}; default none. */
        Optional<String> keyPrefix();

        /** The profile whose {@code aws} account (keys or default chain, region, endpoint) reaches the bucket. */
        @WithDefault("default")
        String profile();

        /** Create the bucket at start-up when it does not exist. */
        @WithDefault("false")
        boolean createBucket();

        /** Part size of streamed (unknown-length) uploads in MiB; at least 5. */
        @WithDefault("8")
        @Min(5)
        int partSizeMib();
    }

    /** The Azure Blob store; the account and its credential come from a profile's {@code azure} group. */
    interface AzureBlob {
        /** The profile whose Azure storage account holds the store. */
        @WithDefault("default")
        String profile();

        /** Name of the main container; each job's container is {@code <prefix>-j-<job>-<hash>}. */
        @WithDefault("conveyor")
        String containerPrefix();

        /** Block size of streamed uploads: the memory one upload holds. */
        @WithDefault("8M")
        MemorySize blockSize();

        /** Longest validity of a signed URL or prefix grant (user-delegation SAS: at most 7 days). */
        @WithDefault("7d")
        @DurationMin(millis = 1)
        Duration maxUrlValidity();

        /** Time limit of one HTTP attempt. */
        @WithDefault("60s")
        @DurationMin(seconds = 1)
        Duration requestTimeout();

        /** Attempts per call on connection failures, 408, 429 and 5xx (1 = no retry in the store). */
        @WithDefault("3")
        @Min(1)
        int maxTries();

        /** Longest wait between attempts; a longer Retry-After is left to the caller. */
        @WithDefault("10s")
        @DurationMin(millis = 0)
        Duration maxRetryDelay();
    }
}
