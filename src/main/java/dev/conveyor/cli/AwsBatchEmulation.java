package dev.conveyor.cli;

import dev.conveyor.emulator.aws.AwsBatchEmulator;
import dev.conveyor.emulator.aws.AwsBatchEmulatorOptions;
import dev.conveyor.emulator.s3.S3Emulator;
import dev.conveyor.emulator.s3.S3EmulatorOptions;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code run --emulate} for {@code aws-batch}: the project's AWS Batch emulator (jobs run as local
 * processes) and an S3 server (S3Proxy) sharing one pair of generated keys, and the configuration
 * that points the {@code default} profile, the s3 store and the {@code ${AWS_ACCESS_KEY_ID}} /
 * {@code ${AWS_SECRET_ACCESS_KEY}} a ddeutil request names at them.
 */
final class AwsBatchEmulation implements Emulation {
    static final String BUCKET = "conveyor";
    /**
     * vCPUs of the emulated compute environment: tasks run as local processes, most of them waiting (a
     * sleep, a download), and a real environment's {@code maxvCpus} is rarely as small as the machine.
     */
    private static final int VCPUS = 16;
    private final AwsBatchEmulator batch;
    private volatile S3Emulator s3;
    /** How the store was started (its port fixed once it had one): so it can start again where it was. */
    private final S3EmulatorOptions s3Options;

    private AwsBatchEmulation(AwsBatchEmulator batch, S3Emulator s3, S3EmulatorOptions s3Options) {
        this.batch = batch;
        this.s3 = s3;
        this.s3Options = s3Options.withPort(s3.port());
    }

    static AwsBatchEmulation start(Path workDir) {
        AwsBatchEmulator batch = AwsBatchEmulator.start(AwsBatchEmulatorOptions.builder()
                .workDir(workDir.resolve("batch")).defaultVcpus(Math.max(VCPUS, Runtime.getRuntime().availableProcessors())).build());
        try {
            S3EmulatorOptions options = S3EmulatorOptions.defaults()
                    .withCredentials(batch.accessKeyId(), batch.secretAccessKey())
                    .withDataDir(workDir.resolve("s3")).withBuckets(BUCKET);
            return new AwsBatchEmulation(batch, S3Emulator.start(options), options);
        } catch (RuntimeException e) {
            batch.close();
            throw e;
        }
    }

    @Override
    public Map<String, String> serviceConfig() {
        Map<String, String> c = new LinkedHashMap<>(s3.storageProperties(BUCKET, "default"));
        String p = "conveyor.profiles.default.";
        c.put(p + "aws.batch-endpoint", batch.endpoint());
        c.put(p + "aws.logs-endpoint", batch.endpoint());
        c.put(p + "defaults.job_queue_arn", AwsBatchEmulatorOptions.DEFAULT_QUEUE);
        // what a ddeutil request's ${AWS_ACCESS_KEY_ID} / ${AWS_SECRET_ACCESS_KEY} resolve to in the service
        c.put("AWS_ACCESS_KEY_ID", batch.accessKeyId());
        c.put("AWS_SECRET_ACCESS_KEY", batch.secretAccessKey());
        c.put("AWS_DEFAULT_REGION", batch.region());
        return c;
    }

    @Override
    public String describe() {
        return "aws-batch: AWS Batch emulator at " + batch.endpoint() + " (queue " + AwsBatchEmulatorOptions.DEFAULT_QUEUE
                + "), S3 (S3Proxy) at " + s3.endpoint() + " (bucket " + BUCKET + ")";
    }

    /** S3Proxy keeps its objects in a folder (the emulation's own): stopped and started again, it has them still. */
    @Override
    public boolean stopStore() {
        s3.close();
        return true;
    }

    @Override
    public void startStore() {
        s3 = S3Emulator.start(s3Options);
    }

    @Override
    public boolean apiOutage(boolean down) {
        batch.outage(down);
        return true;
    }

    @Override
    public void close() {
        try {
            batch.close();
        } finally {
            s3.close();
        }
    }
}
