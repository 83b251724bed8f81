package dev.conveyor.storage.s3;

import dev.conveyor.storage.ObjectStore;

import java.time.Duration;
import java.util.Objects;

/**
 * Where and how an {@link S3ObjectStore} keeps objects. {@link #of(String)} gives the defaults:
 * no key prefix, 8 MiB parts, 3 attempts per call (the SDK's standard retry strategy: throttling
 * and 5xx are retried with backoff before the store reports them), 10 s to connect, 60 s of
 * silence on a socket before a call is given up.
 *
 * @param bucket         the bucket
 * @param keyPrefix      put before every key ({@code ""}, or a folder-like prefix ending in {@code /})
 * @param partSize       bytes per part of a streamed upload ({@link #MIN_PART_SIZE} at least); a
 *                       stream is held in memory one part at a time
 * @param maxAttempts    tries per S3 call, the first included
 * @param connectTimeout time to open a connection
 * @param socketTimeout  longest wait for bytes on an open connection
 */
public record S3StoreOptions(String bucket, String keyPrefix, int partSize, int maxAttempts,
                             Duration connectTimeout, Duration socketTimeout) {

    /** S3's smallest part (every part but the last). */
    public static final int MIN_PART_SIZE = 5 * 1024 * 1024;
    public static final int DEFAULT_PART_SIZE = 8 * 1024 * 1024;

    public S3StoreOptions {
        if (bucket == null || bucket.isBlank()) {
            throw new IllegalArgumentException("an S3 store needs a bucket");
        }
        keyPrefix = normalisePrefix(keyPrefix);
        if (partSize < MIN_PART_SIZE) {
            throw new IllegalArgumentException("S3 parts must be at least 5 MiB, got " + partSize + " bytes");
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(socketTimeout, "socketTimeout");
    }

    public static S3StoreOptions of(String bucket) {
        return new S3StoreOptions(bucket, "", DEFAULT_PART_SIZE, 3, Duration.ofSeconds(10), Duration.ofSeconds(60));
    }

    public S3StoreOptions withKeyPrefix(String keyPrefix) {
        return new S3StoreOptions(bucket, keyPrefix, partSize, maxAttempts, connectTimeout, socketTimeout);
    }

    public S3StoreOptions withPartSize(int partSize) {
        return new S3StoreOptions(bucket, keyPrefix, partSize, maxAttempts, connectTimeout, socketTimeout);
    }

    public S3StoreOptions withMaxAttempts(int maxAttempts) {
        return new S3StoreOptions(bucket, keyPrefix, partSize, maxAttempts, connectTimeout, socketTimeout);
    }

    public S3StoreOptions withTimeouts(Duration connectTimeout, Duration socketTimeout) {
        return new S3StoreOptions(bucket, keyPrefix, partSize, maxAttempts, connectTimeout, socketTimeout);
    }

    /** {@code "a/b"} and {@code "/a/b/"} both become {@code "a/b/"}; null and blank become {@code ""}. */
    private static String normalisePrefix(String prefix) {
        if (prefix == null || prefix.isBlank()) {
            return "";
        }
        String p = prefix.strip();
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        if (p.isEmpty()) {
            return "";
        }
        String folder = p.endsWith("/") ? p : p + "/";
        ObjectStore.checkKey(folder.substring(0, folder.length() - 1));
        return folder;
    }
}
