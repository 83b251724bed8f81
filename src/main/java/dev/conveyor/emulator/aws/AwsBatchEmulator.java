package dev.conveyor.emulator.aws;

import dev.conveyor.emulator.EmulatorHosts;
import dev.conveyor.emulator.OwnedFiles;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;

/**
 * A local AWS Batch (plus CloudWatch Logs GetLogEvents) that the AWS SDKs cannot tell from the real
 * service: same paths, JSON, errors and SigV4 checks. Jobs really run, as local processes.
 *
 * <pre>{@code
 * try (AwsBatchEmulator aws = AwsBatchEmulator.start(AwsBatchEmulatorOptions.defaults())) {
 *     BatchClient batch = BatchClient.builder().endpointOverride(URI.create(aws.endpoint()))
 *             .region(Region.of(aws.region()))
 *             .credentialsProvider(StaticCredentialsProvider.create(
 *                     AwsBasicCredentials.create(aws.accessKeyId(), aws.secretAccessKey())))
 *             .build();
 * }
 * }</pre>
 */
public final class AwsBatchEmulator implements AutoCloseable {

    private final AwsBatchEmulatorOptions options;
    private final String accessKeyId;
    private final String secretAccessKey;
    private final Path workDir;
    private final boolean ownsWorkDir;
    private final RequestCounter counter = new RequestCounter();
    private final JobEngine engine;
    private final EmulatorHttpServer server;
    private final FaultInjector faults;

    private AwsBatchEmulator(AwsBatchEmulatorOptions options) throws IOException {
        this.options = options;
        this.accessKeyId = options.accessKeyId() != null ? options.accessKeyId() : randomKey("EMUL", 16, UPPER);
        this.secretAccessKey = options.secretAccessKey() != null ? options.secretAccessKey() : randomKey("", 40, SECRET);
        this.ownsWorkDir = options.workDir() == null;
        this.workDir = ownsWorkDir ? Files.createTempDirectory("aws-batch-emulator") : Files.createDirectories(options.workDir());

        ObjectMapper json = new ObjectMapper();
        Arns arns = new Arns(options.region(), options.accountId());
        ComputeCatalog catalog = new ComputeCatalog(options, arns);
        JobDefinitionRegistry definitions = new JobDefinitionRegistry(arns);
        LogStore logs = new LogStore();
        this.engine = new JobEngine(options, arns, catalog, logs, workDir);

        Router router = new Router();
        new ComputeApi(json, catalog, arns, engine.lock()).register(router);
        new JobDefinitionsApi(json, definitions).register(router);
        new JobsApi(json, engine, definitions, catalog, arns).register(router);
        new LogsApi(json, logs, arns).register(router);

        this.faults = new FaultInjector(options.faults());
        SigV4Verifier verifier = new SigV4Verifier(accessKeyId, secretAccessKey, options.region(), Clock.systemUTC());
        try {
            this.server = new EmulatorHttpServer(options.host(), options.port(), json, router, verifier,
                    faults, counter);
        } catch (IOException | RuntimeException e) {
            engine.close();
            throw e;
        }
    }

    /** Starts the emulator; it listens until {@link #close()}. */
    public static AwsBatchEmulator start(AwsBatchEmulatorOptions options) {
        try {
            return new AwsBatchEmulator(options);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the AWS Batch emulator", e);
        }
    }

    /** Base URL for {@code endpointOverride}, e.g. {@code http://127.0.0.1:43121}. */
    public String endpoint() {
        return EmulatorHosts.endpoint(options.host(), server.port());
    }

    public int port() {
        return server.port();
    }

    public String region() {
        return options.region();
    }

    public String accountId() {
        return options.accountId();
    }

    public String accessKeyId() {
        return accessKeyId;
    }

    public String secretAccessKey() {
        return secretAccessKey;
    }

    /** Where job attempts run (one directory per attempt). */
    public Path workDir() {
        return workDir;
    }

    /** Calls received per operation (e.g. {@code SubmitJob}), including rejected and faulted ones. */
    public Map<String, Long> requestCounts() {
        return counter.snapshot();
    }

    /** When each call of {@code operation} arrived (epoch milliseconds), in arrival order. */
    public java.util.List<Long> requestTimes(String operation) {
        return counter.times(operation);
    }

    /**
     * Starts ({@code true}) or ends an outage of the API: while it lasts every authenticated call is answered
     * 503 ServiceUnavailableException; jobs already running go on, as they do on real Batch.
     */
    public void outage(boolean down) {
        faults.outage(down);
    }

    /**
     * Reclaims the host of every running attempt, as EC2 does to a spot instance: each ends with
     * {@code Host EC2 (instance ...) terminated.} and no exit code (retried if its retryStrategy allows).
     * Returns how many attempts were stopped.
     */
    public int reclaimHosts() {
        return engine.reclaimHosts();
    }

    /** Stops listening, kills running jobs, and deletes the work directory if the emulator made it. */
    @Override
    public void close() {
        server.close();
        engine.close();
        if (ownsWorkDir) {
            OwnedFiles.deleteQuietly(workDir);
        }
    }

    private static final String UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private static final String SECRET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    private static String randomKey(String prefix, int length, String alphabet) {
        SecureRandom random = new SecureRandom();
        StringBuilder sb = new StringBuilder(prefix);
        for (int i = 0; i < length; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

}
