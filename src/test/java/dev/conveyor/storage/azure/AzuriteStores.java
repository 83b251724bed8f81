package dev.conveyor.storage.azure;

import dev.conveyor.credentials.AzureAccount;
import dev.conveyor.credentials.Secret;
import dev.conveyor.emulator.azurite.Azurite;
import dev.conveyor.emulator.azurite.SharedAzurite;

/** Azure Blob stores on the JVM's shared Azurite, with the development account's key. */
final class AzuriteStores {
    private AzuriteStores() {
    }

    static AzureAccount sharedKeyAccount(Azurite azurite) {
        return new AzureAccount(null, null, null, azurite.accountName(), Secret.of(azurite.accountKey()),
                azurite.blobEndpoint(), null, null, null, false);
    }

    /** A store whose containers are named after {@code containerPrefix}, so tests sharing Azurite never meet. */
    static AzureBlobObjectStore store(String containerPrefix) {
        return new AzureBlobObjectStore(AzureBlobSettings.defaults(sharedKeyAccount(SharedAzurite.get()))
                .withContainerPrefix(containerPrefix));
    }
}
