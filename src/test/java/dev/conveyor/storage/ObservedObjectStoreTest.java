package dev.conveyor.storage;

import dev.conveyor.storage.file.FileObjectStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The metrics decorator keeps the object-store contract (on a local folder) and counts what moved. */
class ObservedObjectStoreTest extends ObjectStoreContract {
    @TempDir
    Path root;
    private ObjectStore store;

    @Override
    protected ObjectStore store() {
        if (store == null) {
            store = ObservedObjectStore.of(new FileObjectStore(root));
        }
        return store;
    }

    @Override
    protected boolean urlsAreEnforced() {
        return false;
    }

    @AfterEach
    void forget() {
        ObservedObjectStore.observeWith(null);
    }

    @Test
    void callsAndBytesAreCountedByOperationAndDirection() throws Exception {
        Map<String, AtomicLong> seen = new ConcurrentHashMap<>();
        ObservedObjectStore.observeWith(new StoreObserver() {
            @Override
            public void called(String type, String operation, boolean ok) {
                seen.computeIfAbsent(type + " " + operation + " " + (ok ? "ok" : "error"), k -> new AtomicLong()).incrementAndGet();
            }

            @Override
            public void bytes(String type, Direction direction, long count) {
                seen.computeIfAbsent(type + " " + direction, k -> new AtomicLong()).addAndGet(count);
            }
        });
        ObjectStore s = store();
        byte[] data = "hello, store".getBytes(StandardCharsets.UTF_8);
        s.put("a/b.txt", data);
        assertThat(s.putIfAbsent("a/b.txt", data)).isFalse();
        assertThat(s.read("a/b.txt", 100)).contains(data);
        try (InputStream in = s.get("a/b.txt")) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
        assertThatThrownBy(() -> s.put("../escape", data)).isInstanceOf(IllegalArgumentException.class);

        assertThat(seen.get("file put ok")).hasValue(1);
        assertThat(seen.get("file put-if-absent ok")).hasValue(1);
        assertThat(seen.get("file read ok")).hasValue(1);
        assertThat(seen.get("file get ok")).hasValue(1);
        assertThat(seen.get("file put error")).hasValue(1);
        assertThat(seen.get("file WRITTEN")).hasValue(data.length); // the refused put-if-absent wrote nothing
        assertThat(seen.get("file READ")).hasValue(2L * data.length);
        assertThat(List.copyOf(seen.keySet())).noneMatch(k -> k.contains("escape"));
    }
}
