package dev.conveyor.compute.local;

import dev.conveyor.storage.file.FileObjectStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** A fast local provider (4 slots) on a fresh folder and file store, closed after each test. */
abstract class LocalProviderTestBase {
    @TempDir
    Path tmp;
    FileObjectStore store;
    LocalComputeProvider provider;
    Path dataDir;

    @BeforeEach
    void setUp() {
        store = new FileObjectStore(tmp.resolve("store"));
        dataDir = tmp.resolve("data");
        provider = new LocalComputeProvider(LocalTestSupport.fast(dataDir, 4), store);
    }

    @AfterEach
    void tearDown() {
        provider.close();
    }
}
