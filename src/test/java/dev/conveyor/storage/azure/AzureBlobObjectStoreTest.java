package dev.conveyor.storage.azure;

import dev.conveyor.storage.ObjectStore;
import dev.conveyor.storage.ObjectStoreContract;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;

import static org.assertj.core.api.Assertions.assertThat;

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

    @Test
    void anEmptyObjectStreamsAsEmptyAndAnObjectOfExactlyOneBlockIsOnePut() throws IOException {
        store().put(prefix + "empty", new byte[0]);
        try (InputStream in = store().get(prefix + "empty")) {
            assertThat(in.readAllBytes()).isEmpty();
        }
        byte[] block = new byte[8 * 1024 * 1024];
        block[block.length - 1] = 42;
        store().put(prefix + "block", new java.io.ByteArrayInputStream(block), -1);
        assertThat(store().tail(prefix + "block", 1)).containsExactly(42);
        assertThat(store().listAll(prefix + "block")).singleElement().extracting(o -> o.size()).isEqualTo((long) block.length);
    }
}
