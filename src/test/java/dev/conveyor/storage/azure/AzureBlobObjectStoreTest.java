package dev.conveyor.storage.azure;

import dev.conveyor.storage.ObjectStore;
import dev.conveyor.storage.ObjectStoreContract;

/** The object-store contract on Azure Blob, against Azurite (which checks SAS signatures and expiry). */
class AzureBlobObjectStoreTest extends ObjectStoreContract {
    private static AzureBlobObjectStore store;

    @Override
    protected ObjectStore store() {
        synchronized (AzureBlobObjectStoreTest.class) {
            if (store == null) {
                store = AzuriteStores.store("contract");
            }
            return store;
        }
    }

    @Override
    protected boolean urlsAreEnforced() {
        return true;
    }
}
