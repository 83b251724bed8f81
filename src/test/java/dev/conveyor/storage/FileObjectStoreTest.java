package dev.conveyor.storage;

import dev.conveyor.storage.file.FileObjectStore;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The object-store contract on a local folder. */
class FileObjectStoreTest extends ObjectStoreContract {
    @TempDir
    Path root;
    private FileObjectStore store;

    @Override
    protected ObjectStore store() {
        if (store == null) {
            store = new FileObjectStore(root);
        }
        return store;
    }

    @Override
    protected boolean urlsAreEnforced() {
        return false;
    }
}
