package dev.conveyor.app;

import dev.conveyor.compute.azure.AzureBatchComputeBackend;
import dev.conveyor.compute.azure.AzureBatchSettings;
import dev.conveyor.config.ConveyorConfig;
import dev.conveyor.credentials.AzureAccount;
import dev.conveyor.credentials.Profile;
import dev.conveyor.credentials.Profiles;

import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code azure-batch} backend, when at least one profile has an Azure Batch account
 * ({@code conveyor.profiles.<name>.azure.batch-account-url}); the {@code default} profile's account
 * is used by jobs that name none.
 */
final class AzureBatchWiring {
    private AzureBatchWiring() {
    }

    static Optional<AzureBatchComputeBackend> backend(ConveyorConfig.AzureBatch config, Profiles profiles, Clock clock) {
        List<AzureAccount> accounts = profiles.names().stream().map(profiles::find).flatMap(Optional::stream)
                .map(Profile::azure).filter(Objects::nonNull).filter(a -> a.batchAccountUrl() != null).toList();
        if (accounts.isEmpty()) {
            return Optional.empty();
        }
        AzureAccount fallback = profiles.find(Profiles.DEFAULT).map(Profile::azure)
                .filter(a -> a.batchAccountUrl() != null).orElse(null);
        AzureBatchSettings settings = AzureBatchSettings.DEFAULT.withPoolIdleTtl(config.poolIdleTtl())
                .withRequestTimeout(config.requestTimeout());
        return Optional.of(new AzureBatchComputeBackend(settings, accounts, fallback, clock));
    }
}
