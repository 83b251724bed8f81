package dev.conveyor.compute.azure;

import dev.conveyor.compute.ComputeBackendContract;
import dev.conveyor.storage.ObjectStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/**
 * The compute contract, unchanged, on the {@code azure-batch} backend: the real Azure Batch SDK
 * against the project's Batch emulator, files in Azure Blob (Azurite) moved natively as resource
 * and output files.
 */
class AzureBatchComputeBackendTest extends ComputeBackendContract {
    @TempDir
    static Path root;
    private static AzureBatchFixture azure;

    private static AzureBatchFixture azure() {
        if (azure == null) {
            azure = new AzureBatchFixture(root.resolve("emulator"));
        }
        return azure;
    }

    @Override
    protected AzureBatchComputeBackend backend() { // the contract runs on this implementation
        return azure().backend;
    }

    @Override
    protected ObjectStore store() {
        return azure().store;
    }

    @AfterAll
    static void close() {
        if (azure != null) {
            azure.close();
            azure = null;
        }
    }
}
