package dev.conveyor.cli;

import dev.conveyor.emulator.azure.AzureBatchEmulator;
import dev.conveyor.emulator.azure.AzureBatchEmulatorOptions;
import dev.conveyor.emulator.azurite.Azurite;
import dev.conveyor.emulator.azurite.AzuriteOptions;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code run --emulate} for {@code runsOn.type: azure-batch}: the project's Azure Batch emulator
 * (tasks run as local processes) and Azurite (installed from npm on first use, blobs in memory),
 * with the {@code default} profile pointed at both and the object store on Azurite — so files move
 * as they do on Azure: resource files in, output files back, through SAS URLs.
 */
final class AzureBatchEmulation implements Emulation {
    private final AzureBatchEmulator batch;
    private final Azurite azurite;

    private AzureBatchEmulation(AzureBatchEmulator batch, Azurite azurite) {
        this.batch = batch;
        this.azurite = azurite;
    }

    static AzureBatchEmulation start(Path workDir) {
        Azurite azurite;
        try {
            // installed once beside the other emulators' folders, reused by later runs
            azurite = Azurite.start(AzuriteOptions.installedIn(workDir.getParent().resolve("azurite-install")));
        } catch (Exception e) {
            throw CliException.badInput("--emulate: cannot start Azurite (it needs node and npm on the PATH): " + e.getMessage());
        }
        try {
            AzureBatchEmulator batch = AzureBatchEmulator.start(AzureBatchEmulatorOptions.defaults().withWorkDir(workDir));
            return new AzureBatchEmulation(batch, azurite);
        } catch (RuntimeException e) {
            azurite.close();
            throw e;
        }
    }

    @Override
    public Map<String, String> serviceConfig() {
        String p = "conveyor.profiles.default.azure.";
        Map<String, String> c = new LinkedHashMap<>();
        c.put(p + "batch-account-name", batch.accountName());
        c.put(p + "batch-account-url", batch.endpoint());
        c.put(p + "batch-account-key", batch.accountKey());
        c.put(p + "storage-account-name", azurite.accountName());
        c.put(p + "storage-account-key", azurite.accountKey());
        c.put(p + "blob-endpoint", azurite.blobEndpoint());
        c.put("conveyor.storage.type", "azure-blob");
        c.put("conveyor.storage.azure.profile", "default");
        c.put("conveyor.submission.providers", "local,noop,azure-batch");
        // the names ddeutil's Azure example refers to as ${...} (resolved by the service, never sent)
        c.put("AZURE_BATCH_ACCOUNT_NAME", batch.accountName());
        c.put("AZURE_BATCH_ACCOUNT_URL", batch.endpoint());
        c.put("AZURE_BATCH_ACCOUNT_KEY", batch.accountKey());
        c.put("AZURE_STORAGE_ACCOUNT_NAME", azurite.accountName());
        c.put("AZURE_STORAGE_ACCOUNT_KEY", azurite.accountKey());
        return c;
    }

    @Override
    public String describe() {
        return "azure-batch: the Azure Batch emulator at " + batch.endpoint() + " (account " + batch.accountName()
                + "), Azurite at " + azurite.blobEndpoint() + " (tasks run as local processes, files in Blob)";
    }

    @Override
    public void close() {
        batch.close();
        azurite.close();
    }
}
