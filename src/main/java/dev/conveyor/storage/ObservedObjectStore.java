package dev.conveyor.storage;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * An {@link ObjectStore} that reports every call and the bytes it moved to a {@link StoreObserver}
 * (ops/ConveyorMetrics sets it): {@code conveyor_store_calls_total} and
 * {@code conveyor_store_bytes_total} without the stores depending on Micrometer. Bytes read
 * through {@link #get} are counted as the caller reads them.
 */
public final class ObservedObjectStore implements ObjectStore, AutoCloseable {
    private static volatile StoreObserver observer = StoreObserver.NONE;

    private final ObjectStore store;

    private ObservedObjectStore(ObjectStore store) {
        this.store = store;
    }

    public static ObjectStore of(ObjectStore store) {
        return store instanceof ObservedObjectStore ? store : new ObservedObjectStore(store);
    }

    /** The store an observed store wraps ({@code store} itself when it is not wrapped). */
    public static ObjectStore unwrap(ObjectStore store) {
        return store instanceof ObservedObjectStore o ? o.store : store;
    }

    /** Where every observed store reports (one per process). */
    public static void observeWith(StoreObserver o) {
        observer = o == null ? StoreObserver.NONE : o;
    }

    @FunctionalInterface
    private interface Call<T> {
        T run() throws IOException;
    }

    private <T> T call(String operation, Call<T> call) throws IOException {
        try {
            T out = call.run();
            observer.called(store.type(), operation, true);
            return out;
        } catch (IOException | RuntimeException e) {
            observer.called(store.type(), operation, false);
            throw e;
        }
    }

    private void bytes(StoreObserver.Direction direction, long count) {
        if (count > 0) {
            observer.bytes(store.type(), direction, count);
        }
    }

    @Override
    public String type() {
        return store.type();
    }

    @Override
    public void put(String key, InputStream data, long length) throws IOException {
        call("put", () -> {
            store.put(key, data, length);
            return null;
        });
        bytes(StoreObserver.Direction.WRITTEN, length);
    }

    /**
     * The wrapped store's {@code each} (at once where it calls at once); the calls it runs go through this store, so
     * {@code readAll}, {@code tailAll} and {@code putAll} (the defaults, through {@code each}) count each key's read,
     * tail or put as it is made.
     */
    @Override
    public <T> List<T> each(List<String> keys, KeyCall<T> call) throws IOException {
        return store.each(keys, call);
    }

    @Override
    public boolean putIfAbsent(String key, byte[] data) throws IOException {
        boolean created = call("put-if-absent", () -> store.putIfAbsent(key, data));
        if (created) {
            bytes(StoreObserver.Direction.WRITTEN, data.length);
        }
        return created;
    }

    @Override
    public InputStream get(String key) throws IOException {
        InputStream in = call("get", () -> store.get(key));
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    bytes(StoreObserver.Direction.READ, 1);
                }
                return b;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                int n = super.read(buffer, offset, length);
                bytes(StoreObserver.Direction.READ, n);
                return n;
            }
        };
    }

    @Override
    public Optional<byte[]> read(String key, int maxBytes) throws IOException {
        Optional<byte[]> out = call("read", () -> store.read(key, maxBytes));
        out.ifPresent(b -> bytes(StoreObserver.Direction.READ, b.length));
        return out;
    }

    @Override
    public byte[] tail(String key, int maxBytes) throws IOException {
        byte[] out = call("tail", () -> store.tail(key, maxBytes));
        bytes(StoreObserver.Direction.READ, out.length);
        return out;
    }

    @Override
    public ListPage list(String prefix, String continuation, int maxResults) throws IOException {
        return call("list", () -> store.list(prefix, continuation, maxResults));
    }

    @Override
    public void delete(String key) throws IOException {
        call("delete", () -> {
            store.delete(key);
            return null;
        });
    }

    @Override
    public void deletePrefix(String prefix) throws IOException {
        call("delete-prefix", () -> {
            store.deletePrefix(prefix);
            return null;
        });
    }

    @Override
    public URI uri(String key) {
        return store.uri(key);
    }

    @Override
    public SignedUrl readUrl(String key, Instant expiry) {
        return store.readUrl(key, expiry);
    }

    @Override
    public SignedUrl writeUrl(String key, Instant expiry) {
        return store.writeUrl(key, expiry);
    }

    @Override
    public Optional<PrefixGrant> prefixGrant(String prefix, PrefixGrant.Access access, Instant expiry) {
        return store.prefixGrant(prefix, access, expiry);
    }

    @Override
    public void check() throws IOException {
        call("check", () -> {
            store.check();
            return null;
        });
    }

    @Override
    public void close() throws Exception {
        if (store instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }
}
