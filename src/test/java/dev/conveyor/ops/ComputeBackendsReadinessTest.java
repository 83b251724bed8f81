package dev.conveyor.ops;

import dev.conveyor.compute.ComputeBackends;
import dev.conveyor.compute.azure.AzureBatchComputeBackend;
import dev.conveyor.compute.azure.AzureBatchSettings;
import dev.conveyor.compute.noop.NoopComputeBackend;
import dev.conveyor.credentials.AzureAccount;
import dev.conveyor.credentials.Secret;
import dev.conveyor.emulator.azure.AzureBatchEmulator;
import dev.conveyor.emulator.azure.AzureBatchEmulatorOptions;
import dev.conveyor.emulator.azure.FaultOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code compute-backends} against the Azure Batch emulator, through the real SDK: a wrong key is DOWN, named, and not shown; a throttled account is UP, marked throttled. */
class ComputeBackendsReadinessTest {
    static AzureBatchEmulator emulator;

    @BeforeAll
    static void start() {
        emulator = AzureBatchEmulator.start(AzureBatchEmulatorOptions.defaults());
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    @Test
    void upWhenEveryBackendAnswersNamingThem() {
        try (ComputeBackends backends = backends(emulator.accountKey())) {
            assertThat(new ComputeBackendsReadiness(backends, true).probe()).isEqualTo(ProbeResult.up("azure-batch, noop"));
        }
    }

    @Test
    void downWhenABackendRefusesTheCredentialsNamingTheBackendButNeverTheKey() {
        String wrongKey = Base64.getEncoder().encodeToString("not the account key, 32 bytes!!!".getBytes());
        try (ComputeBackends backends = backends(wrongKey)) {
            ProbeResult result = new ComputeBackendsReadiness(backends, true).probe();
            assertThat(result.up()).isFalse();
            assertThat(result.detail()).startsWith("azure-batch: ").contains("AuthenticationFailed")
                    .doesNotContain(wrongKey).doesNotContain(emulator.accountKey()).doesNotContain("noop");
        }
    }

    @Test
    void aThrottledAccountIsUpMarkedThrottled() {
        try (AzureBatchEmulator busy = AzureBatchEmulator.start(AzureBatchEmulatorOptions.defaults()
                .withFaults(FaultOptions.none().withThrottleRate(1.0)));
             ComputeBackends backends = backends(busy, busy.accountKey())) {
            ProbeResult result = new ComputeBackendsReadiness(backends, true).probe();
            assertThat(result.up()).isTrue();
            assertThat(result.detail()).startsWith("azure-batch (throttled: ").contains("TooManyRequests").endsWith("), noop")
                    .doesNotContain(busy.accountKey());
        }
    }

    @Test
    void aProcessWhoseStagesDoNotCallTheBackendsDoesNotProbeThem() {
        String wrongKey = Base64.getEncoder().encodeToString("not the account key, 32 bytes!!!".getBytes());
        try (ComputeBackends backends = backends(wrongKey)) {
            long before = emulator.requestCounts().values().stream().mapToLong(Long::longValue).sum();
            assertThat(new ComputeBackendsReadiness(backends, false).probe()).isEqualTo(ProbeResult.up("not used by this process's stages"));
            assertThat(emulator.requestCounts().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(before);
        }
    }

    private static ComputeBackends backends(String key) {
        return backends(emulator, key);
    }

    private static ComputeBackends backends(AzureBatchEmulator emulator, String key) {
        AzureAccount account = new AzureAccount(emulator.accountName(), emulator.endpoint(), Secret.of(key),
                null, null, null, null, null, null, false);
        return new ComputeBackends(List.of(
                new AzureBatchComputeBackend(AzureBatchSettings.DEFAULT.withSweepInterval(Duration.ZERO), List.of(), account, Clock.systemUTC()),
                new NoopComputeBackend()));
    }
}
