package dev.conveyor.storage.s3;

import dev.conveyor.storage.ObjectStore;
import dev.conveyor.storage.ObjectStoreContract;
import dev.conveyor.testing.S3ProxyFixture;
import org.junit.jupiter.api.AfterAll;

import java.io.IOException;
import java.io.UncheckedIOException;

/** The object-store contract on S3, against a real S3 server (S3Proxy, SigV4 on) through the AWS SDK. */
class S3ObjectStoreTest extends ObjectStoreContract {
    private static S3ObjectStore store;

    @Override
    protected synchronized ObjectStore store() {
        if (store == null) {
            store = new S3ObjectStore(S3ProxyFixture.account(), S3StoreOptions.of("contract").withKeyPrefix("conveyor"));
            try {
                store.createBucketIfMissing();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return store;
    }

    @AfterAll
    static void closeStore() {
        if (store != null) {
            store.close();
            store = null;
        }
    }

    @Override
    protected boolean urlsAreEnforced() {
        return true;
    }

    /** Past one DeleteObjects batch (1000 keys). */
    @Override
    protected int deletePrefixCount() {
        return 1100;
    }
}
