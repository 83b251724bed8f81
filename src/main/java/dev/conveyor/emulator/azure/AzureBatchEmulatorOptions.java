package dev.conveyor.emulator.azure;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;

/**
 * How to start an {@link AzureBatchEmulator}. Immutable; build with {@link #defaults()} and the {@code with*} methods.
 *
 * @param host            address to bind, 127.0.0.1 by default
 * @param port            port to listen on, 0 for a free one
 * @param accountName     Batch account name used in the SharedKey signature
 * @param accountKey      base64 account key; generated when null
 * @param workDir         where node and task directories are created; a temp dir when null
 * @param bearerToken     optional token accepted as {@code Authorization: Bearer ...}
 * @param allocationDelay how long a pool stays in allocationState resizing
 * @param faults          injected faults
 * @param dedicatedNodeQuota dedicated nodes the account may have across its pools (null: no limit); a pool that
 *                        would go beyond gets what is left and the resize error {@code AccountCoreQuotaReached}
 */
public record AzureBatchEmulatorOptions(String host, int port, String accountName, String accountKey, Path workDir,
                                        String bearerToken, Duration allocationDelay, FaultOptions faults,
                                        Integer dedicatedNodeQuota) {

    public AzureBatchEmulatorOptions {
        host = host == null ? "127.0.0.1" : host;
        accountName = accountName == null ? "conveyoremu" : accountName;
        accountKey = accountKey == null ? generateKey() : accountKey;
        allocationDelay = allocationDelay == null ? Duration.ofMillis(300) : allocationDelay;
        faults = faults == null ? FaultOptions.none() : faults;
        Base64.getDecoder().decode(accountKey); // fail fast on a key that is not base64
    }

    public static AzureBatchEmulatorOptions defaults() {
        return new AzureBatchEmulatorOptions(null, 0, null, null, null, null, null, null, null);
    }

    /** The address to listen on: 127.0.0.1 by default, {@code 0.0.0.0} for every interface (e.g. in a container). */
    public AzureBatchEmulatorOptions withHost(String h) {
        return new AzureBatchEmulatorOptions(h, port, accountName, accountKey, workDir, bearerToken,
                allocationDelay, faults, dedicatedNodeQuota);
    }

    public AzureBatchEmulatorOptions withPort(int p) {
        return new AzureBatchEmulatorOptions(host, p, accountName, accountKey, workDir, bearerToken,
                allocationDelay, faults, dedicatedNodeQuota);
    }

    public AzureBatchEmulatorOptions withAccount(String name, String key) {
        return new AzureBatchEmulatorOptions(host, port, name, key, workDir, bearerToken,
                allocationDelay, faults, dedicatedNodeQuota);
    }

    public AzureBatchEmulatorOptions withWorkDir(Path dir) {
        return new AzureBatchEmulatorOptions(host, port, accountName, accountKey, dir, bearerToken,
                allocationDelay, faults, dedicatedNodeQuota);
    }

    public AzureBatchEmulatorOptions withBearerToken(String token) {
        return new AzureBatchEmulatorOptions(host, port, accountName, accountKey, workDir, token,
                allocationDelay, faults, dedicatedNodeQuota);
    }

    public AzureBatchEmulatorOptions withAllocationDelay(Duration delay) {
        return new AzureBatchEmulatorOptions(host, port, accountName, accountKey, workDir, bearerToken,
                delay, faults, dedicatedNodeQuota);
    }

    public AzureBatchEmulatorOptions withFaults(FaultOptions f) {
        return new AzureBatchEmulatorOptions(host, port, accountName, accountKey, workDir, bearerToken,
                allocationDelay, f, dedicatedNodeQuota);
    }

    /** The account's dedicated nodes across its pools at most (Azure's core quota, counted in nodes). */
    public AzureBatchEmulatorOptions withDedicatedNodeQuota(int nodes) {
        return new AzureBatchEmulatorOptions(host, port, accountName, accountKey, workDir, bearerToken,
                allocationDelay, faults, nodes);
    }

    static String generateKey() {
        byte[] key = new byte[64];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }
}
