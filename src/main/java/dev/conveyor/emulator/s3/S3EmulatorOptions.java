package dev.conveyor.emulator.s3;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How to start an {@link S3Emulator}. Every setting has a default ({@link #defaults()}): 127.0.0.1 on a
 * free port, {@code us-east-1}, generated credentials, a temporary data folder, no buckets.
 *
 * @param host            interface to listen on
 * @param port            0 = any free port
 * @param region          the region clients sign for (S3Proxy accepts any; it is printed for clients)
 * @param accessKeyId     null = generate one at start
 * @param secretAccessKey null = generate one at start
 * @param dataDir         where buckets and objects live (one folder per bucket); null = a temporary
 *                        folder, deleted on close
 * @param buckets         buckets that exist from the start
 * @param latency         added to every object and listing call before it is answered, as a store
 *                        across a network would take (benchmarks); zero = none
 */
public record S3EmulatorOptions(String host, int port, String region, String accessKeyId, String secretAccessKey,
                                Path dataDir, List<String> buckets, Duration latency) {
    /** S3's bucket naming rules (the part that matters for a folder name). */
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

    public S3EmulatorOptions {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(region, "region");
        buckets = List.copyOf(buckets);
        latency = latency == null ? Duration.ZERO : latency;
        if (latency.isNegative()) {
            throw new IllegalArgumentException("latency must not be negative: " + latency);
        }
        for (String bucket : buckets) {
            if (!BUCKET.matcher(bucket).matches()) {
                throw new IllegalArgumentException("not a valid S3 bucket name: " + bucket);
            }
        }
        if ((accessKeyId == null) != (secretAccessKey == null)) {
            throw new IllegalArgumentException("give both the access key id and the secret access key, or neither");
        }
    }

    public static S3EmulatorOptions defaults() {
        return new S3EmulatorOptions("127.0.0.1", 0, "us-east-1", null, null, null, List.of(), Duration.ZERO);
    }

    public S3EmulatorOptions withPort(int port) {
        return new S3EmulatorOptions(host, port, region, accessKeyId, secretAccessKey, dataDir, buckets, latency);
    }

    public S3EmulatorOptions withCredentials(String accessKeyId, String secretAccessKey) {
        return new S3EmulatorOptions(host, port, region, accessKeyId, secretAccessKey, dataDir, buckets, latency);
    }

    public S3EmulatorOptions withDataDir(Path dataDir) {
        return new S3EmulatorOptions(host, port, region, accessKeyId, secretAccessKey, dataDir, buckets, latency);
    }

    public S3EmulatorOptions withBuckets(String... buckets) {
        return new S3EmulatorOptions(host, port, region, accessKeyId, secretAccessKey, dataDir, List.of(buckets), latency);
    }

    public S3EmulatorOptions withLatency(Duration latency) {
        return new S3EmulatorOptions(host, port, region, accessKeyId, secretAccessKey, dataDir, buckets, latency);
    }
}
