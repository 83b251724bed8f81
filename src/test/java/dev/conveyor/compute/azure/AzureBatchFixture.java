package dev.conveyor.compute.azure;

import com.microsoft.azure.batch.BatchClient;
import com.microsoft.azure.batch.auth.BatchSharedKeyCredentials;
import dev.conveyor.credentials.AzureAccount;
import dev.conveyor.credentials.Secret;
import dev.conveyor.emulator.azure.AzureBatchEmulator;
import dev.conveyor.emulator.azure.AzureBatchEmulatorOptions;
import dev.conveyor.emulator.azurite.Azurite;
import dev.conveyor.emulator.azurite.SharedAzurite;
import dev.conveyor.storage.azure.AzureBlobObjectStore;
import dev.conveyor.storage.azure.AzureBlobSettings;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/** The Azure Batch emulator and Azurite (the JVM's shared one), and the backend and store pointed at them. */
final class AzureBatchFixture implements AutoCloseable {
    final AzureBatchEmulator emulator;
    final AzureBlobObjectStore store;
    final AzureBatchComputeBackend backend;

    AzureBatchFixture(Path workDir, AzureBatchEmulatorOptions options, AzureBatchSettings settings) {
        this.emulator = AzureBatchEmulator.start(options.withWorkDir(workDir));
        this.store = blobStore("az" + UUID.randomUUID().toString().substring(0, 8));
        this.backend = new AzureBatchComputeBackend(settings, List.of(), batchAccount(emulator), Clock.systemUTC());
    }

    AzureBatchFixture(Path workDir) {
        this(workDir, AzureBatchEmulatorOptions.defaults().withAllocationDelay(Duration.ofMillis(50)),
                AzureBatchSettings.DEFAULT.withSweepInterval(Duration.ZERO));
    }

    static AzureAccount batchAccount(AzureBatchEmulator emulator) {
        return new AzureAccount(emulator.accountName(), emulator.endpoint(), Secret.of(emulator.accountKey()),
                null, null, null, null, null, null, false);
    }

    static AzureBlobObjectStore blobStore(String containerPrefix) {
        Azurite azurite = SharedAzurite.get();
        AzureAccount storage = new AzureAccount(null, null, null, azurite.accountName(), Secret.of(azurite.accountKey()),
                azurite.blobEndpoint(), null, null, null, false);
        return new AzureBlobObjectStore(AzureBlobSettings.defaults(storage).withContainerPrefix(containerPrefix));
    }

    /** The SDK's own client on the emulator, for looking at what the backend did. */
    BatchClient client() {
        return BatchClient.open(new BatchSharedKeyCredentials(emulator.endpoint(), emulator.accountName(), emulator.accountKey()));
    }

    long count(String operation) {
        return emulator.requestCounts().getOrDefault(operation, 0L);
    }

    @Override
    public void close() {
        backend.close();
        emulator.close();
    }
}
