package dev.conveyor.compute.aws;

import dev.conveyor.credentials.AwsAccount;
import dev.conveyor.credentials.Profile;
import dev.conveyor.credentials.Profiles;
import dev.conveyor.credentials.Secret;
import dev.conveyor.emulator.aws.AwsBatchEmulator;
import dev.conveyor.emulator.aws.AwsBatchEmulatorOptions;
import dev.conveyor.emulator.aws.FaultOptions;
import dev.conveyor.emulator.s3.S3Emulator;
import dev.conveyor.storage.s3.S3ObjectStore;
import dev.conveyor.storage.s3.S3StoreOptions;
import dev.conveyor.testing.S3ProxyFixture;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * An AWS Batch emulator that shares its keys with the test JVM's S3Proxy, the S3 store on a bucket
 * of that S3Proxy, and an {@link AwsBatchComputeBackend} whose {@code default} profile points at both
 * (queue {@value AwsBatchEmulatorOptions#DEFAULT_QUEUE}). Tasks really run: the emulator starts them
 * as local processes, the wrapper fetches and uploads through presigned S3 URLs with curl.
 */
final class AwsBatchFixture implements AutoCloseable {
    final AwsBatchEmulator aws;
    final S3ObjectStore store;
    final AwsBatchComputeBackend backend;
    final AwsAccount account;
    final Profiles profiles;

    AwsBatchFixture(String bucket, int vcpus, FaultOptions faults, AwsBatchSettings settings) {
        this(bucket, vcpus, faults, settings, Duration.ofMillis(5));
    }

    /** {@code transition}: the emulator's pause between scheduler steps (longer = less CPU with many jobs). */
    AwsBatchFixture(String bucket, int vcpus, FaultOptions faults, AwsBatchSettings settings, Duration transition) {
        this(bucket, settings, b -> b.defaultVcpus(vcpus).transitionDelay(transition).faults(faults));
    }

    /** {@code emulator}: the emulator's environments and queues (the profile's queue is {@code conveyor-queue}). */
    AwsBatchFixture(String bucket, AwsBatchSettings settings, UnaryOperator<AwsBatchEmulatorOptions.Builder> emulator) {
        this(bucket, settings, emulator, Clock.systemUTC());
    }

    /** The same, the backend on {@code clock}. */
    AwsBatchFixture(String bucket, AwsBatchSettings settings, UnaryOperator<AwsBatchEmulatorOptions.Builder> emulator,
                    Clock clock) {
        S3Emulator s3 = S3ProxyFixture.emulator();
        this.aws = AwsBatchEmulator.start(emulator.apply(AwsBatchEmulatorOptions.builder()
                .credentials(s3.accessKeyId(), s3.secretAccessKey()).region(s3.region()).transitionDelay(Duration.ofMillis(5)))
                .build());
        this.account = new AwsAccount(s3.region(), s3.accessKeyId(), Secret.of(s3.secretAccessKey()), null,
                aws.endpoint(), aws.endpoint(), s3.endpoint(), true);
        this.profiles = new Profiles(Map.of("default", new Profile("default", null, account,
                Map.of("job_queue_arn", AwsBatchEmulatorOptions.DEFAULT_QUEUE))));
        this.store = new S3ObjectStore(account, S3StoreOptions.of(bucket));
        try {
            store.createBucketIfMissing();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.backend = new AwsBatchComputeBackend(profiles, store, settings, clock);
    }

    AwsBatchFixture(String bucket) {
        this(bucket, 16, FaultOptions.none(), AwsBatchSettings.DEFAULT);
    }

    long calls(String operation) {
        return aws.requestCounts().getOrDefault(operation, 0L);
    }

    @Override
    public void close() {
        backend.close();
        aws.close();
        store.close();
    }
}
