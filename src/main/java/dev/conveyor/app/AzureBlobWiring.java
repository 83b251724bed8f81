package dev.conveyor.app;

import dev.conveyor.config.ConveyorConfig;
import dev.conveyor.config.StorageConfig;

import dev.conveyor.credentials.AzureAccount;
import dev.conveyor.credentials.Profile;
import dev.conveyor.credentials.Profiles;
import dev.conveyor.storage.azure.AzureBlobObjectStore;
import dev.conveyor.storage.azure.AzureBlobSettings;

/** {@code conveyor.storage.type=azure-blob}: the store's settings from {@code conveyor.storage.azure.*} and the named profile's Azure account. */
final class AzureBlobWiring {
    private AzureBlobWiring() {
    }

    static AzureBlobObjectStore store(StorageConfig.AzureBlob config, Profiles profiles) {
        return new AzureBlobObjectStore(settings(config, profiles));
    }

    static AzureBlobSettings settings(StorageConfig.AzureBlob config, Profiles profiles) {
        long blockSize = config.blockSize().asLongValue();
        return new AzureBlobSettings(account(config.profile(), profiles), config.containerPrefix(),
                (int) Math.min(Integer.MAX_VALUE, blockSize), config.maxUrlValidity(), config.requestTimeout(),
                config.maxTries(), config.maxRetryDelay());
    }

    static AzureAccount account(String profileName, Profiles profiles) {
        Profile profile = profiles.find(profileName).orElseThrow(() -> new IllegalArgumentException(
                "conveyor.storage.azure.profile=" + profileName + " names no profile (configured: "
                        + (profiles.names().isEmpty() ? "none" : String.join(", ", profiles.names())) + ")"));
        if (profile.azure() == null || profile.azure().storageAccountName() == null) {
            throw new IllegalArgumentException("profile '" + profileName + "' has no Azure storage account: set conveyor.profiles."
                    + profileName + ".azure.storage-account-name (and storage-account-key, or an Entra ID identity)");
        }
        return profile.azure();
    }
}
