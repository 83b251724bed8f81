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
 * (tasks run as local processes) and Azurite (installed from npm on first use, blobs in the work folder),
 * with the {@code default} profile pointed at both and the object store on Azurite — so files move
 * as they do on Azure: resource files in, output files back, through SAS URLs.
 */
final class AzureBatchEmulation implements Emulation {
    private final AzureBatchEmulator batch;
    private volatile Azurite azurite;
    /** How Azurite was started (its port fixed once it had one): so it can start again where it was, with its blobs. */
    private final AzuriteOptions azuriteOptions;

    private AzureBatchEmulation(AzureBatchEmulator batch, Azurite azurite, AzuriteOptions azuriteOptions) {
        this.batch = batch;
        this.azurite = azurite;
        this.azuriteOptions = azuriteOptions.withPort(azurite.port());
    }

    static AzureBatchEmulation start(Path workDir) {
        Azurite azurite;
        // installed once beside the other emulators' folders, reused by later runs; blobs kept in the work folder
        AzuriteOptions options = AzuriteOptions.installedIn(workDir.getParent().resolve("azurite-install"))
                .withDataDir(workDir.resolve("azurite"));
        try {
            azurite = Azurite.start(options);
        } catch (Exception e) {
            throw CliException.badInput("--emulate: cannot start Azurite (it needs node and npm on the PATH): " + e.getMessage());
        }
        try {
            AzureBatchEmulator batch = AzureBatchEmulator.start(AzureBatchEmulatorOptions.defaults().withWorkDir(workDir));
            return new AzureBatchEmulation(batch, azurite, options);
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

    /** Azurite keeps its blobs in a folder (the emulation's own): stopped and started again, it has them still. */
    @Override
    public boolean stopStore() {
        azurite.close();
        return true;
    }

    @Override
    public void startStore() {
        try {
            azurite = Azurite.start(azuriteOptions);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while Azurite started", e);
        }
    }

    @Override
    public boolean apiOutage(boolean down) {
        batch.outage(down);
        return true;
    }

    @Override
    public void close() {
        batch.close();
        azurite.close();
    }
}
