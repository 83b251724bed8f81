package dev.conveyor.emulator.s3;

import dev.conveyor.emulator.OwnedFiles;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

/**
 * A real S3-compatible server in this process: S3Proxy with its filesystem store (one folder per
 * bucket under {@link #dataDir()}), SigV4 authentication on — so signatures, presigned URLs and
 * their expiry are checked as S3 checks them — and conditional writes ({@code If-None-Match: *})
 * resolved atomically by the store. For tests and for offline runs; the product never imports it.
 *
 * <pre>{@code
 * try (S3Emulator s3 = S3Emulator.start(S3EmulatorOptions.defaults().withBuckets("conveyor"))) {
 *     S3Client client = S3Client.builder().endpointOverride(URI.create(s3.endpoint()))
 *             .forcePathStyle(true).region(Region.of(s3.region()))
 *             .credentialsProvider(StaticCredentialsProvider.create(
 *                     AwsBasicCredentials.create(s3.accessKeyId(), s3.secretAccessKey())))
 *             .build();
 * }
 * }</pre>
 */
public final class S3Emulator implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(S3Emulator.class);

    private final S3EmulatorOptions options;
    private final String accessKeyId;
    private final String secretAccessKey;
    private final Path dataDir;
    private final boolean ownsDataDir;
    private final S3Proxy proxy;

    private S3Emulator(S3EmulatorOptions options) throws Exception {
        this.options = options;
        this.accessKeyId = options.accessKeyId() != null ? options.accessKeyId() : "EMUL" + random(16, UPPER);
        this.secretAccessKey = options.secretAccessKey() != null ? options.secretAccessKey() : random(40, SECRET);
        this.ownsDataDir = options.dataDir() == null;
        this.dataDir = ownsDataDir ? Files.createTempDirectory("s3-emulator")
                : Files.createDirectories(options.dataDir()).toAbsolutePath();
        for (String bucket : options.buckets()) {
            Files.createDirectories(dataDir.resolve(bucket));
        }
        Properties store = new Properties();
        store.setProperty("jclouds.filesystem.basedir", dataDir.toString()); // S3Proxy kept the jclouds-era name
        String host = options.host().contains(":") ? "[" + options.host() + "]" : options.host();
        var blobs = BlobStores.create("filesystem", store);
        this.proxy = S3Proxy.builder()
                .blobStore(options.latency().isZero() ? blobs : new LatentBlobStore(blobs, options.latency()))
                .endpoint(URI.create("http://" + host + ":" + options.port()))
                .awsAuthentication(AuthenticationType.AWS_V4, accessKeyId, secretAccessKey)
                .build();
        try {
            proxy.start();
        } catch (Exception e) {
            close(); // e.g. the port is taken: leave no thread and no temporary folder behind
            throw e;
        }
    }

    /** Starts the server; it listens until {@link #close()}. */
    public static S3Emulator start(S3EmulatorOptions options) {
        S3Emulator emulator;
        try {
            emulator = new S3Emulator(options);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the S3 emulator", e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the S3 emulator", e);
        }
        LOG.debugf("S3 emulator (S3Proxy, filesystem store in %s) listening on %s", emulator.dataDir, emulator.endpoint());
        return emulator;
    }

    /** Base URL for {@code endpointOverride} (path-style addressing), e.g. {@code http://127.0.0.1:43121}. */
    public String endpoint() {
        String host = options.host().contains(":") ? "[" + options.host() + "]" : options.host();
        return "http://" + host + ":" + port();
    }

    public int port() {
        return proxy.getPort();
    }

    /** What each object and listing call waits before it is answered ({@link S3EmulatorOptions#latency()}). */
    public Duration latency() {
        return options.latency();
    }

    public String region() {
        return options.region();
    }

    public String accessKeyId() {
        return accessKeyId;
    }

    public String secretAccessKey() {
        return secretAccessKey;
    }

    /** The folder holding one sub-folder per bucket. */
    public Path dataDir() {
        return dataDir;
    }

    /**
     * The configuration that points Conveyor's {@code s3} store at this server: {@code bucket} (created
     * at start-up when missing) reached through the profile {@code profile} (for {@code --emulate}).
     */
    public Map<String, String> storageProperties(String bucket, String profile) {
        String p = "conveyor.profiles." + profile + ".aws.";
        return Map.of(
                "conveyor.storage.type", "s3",
                "conveyor.storage.s3.bucket", bucket,
                "conveyor.storage.s3.create-bucket", "true",
                "conveyor.storage.s3.profile", profile,
                p + "region", region(),
                p + "access-key-id", accessKeyId,
                p + "secret-access-key", secretAccessKey,
                p + "s3-endpoint", endpoint(),
                p + "s3-path-style", "true");
    }

    /** Stops listening, and deletes the data folder if the emulator made it. */
    @Override
    public void close() {
        try {
            proxy.stop();
        } catch (Exception e) {
            LOG.debugf("S3 emulator did not stop cleanly: %s", e.toString());
        }
        if (ownsDataDir) {
            OwnedFiles.deleteQuietly(dataDir);
        }
    }

    private static final String UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private static final String SECRET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    private static String random(int length, String alphabet) {
        SecureRandom random = new SecureRandom();
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

}
