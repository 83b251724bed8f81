package dev.conveyor.storage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The storage SPI: {@code file}, {@code azure-blob}, {@code s3}. Keys are '/'-separated, relative,
 * never containing {@code .} or {@code ..} segments ({@link #checkKey}). Puts and gets stream; nothing
 * is held whole in memory except what {@link #read} is asked for. Every implementation passes the
 * same contract suite ({@code ObjectStoreContract} in the tests).
 *
 * <p>Failures are {@link IOException}s; a {@link StoreUnavailableException} says the store could not
 * be reached or refused for a while (throttling, 5xx) and the same call may succeed later.
 */
public interface ObjectStore {

    /** Objects larger than this are never read whole by {@link #read}. */
    int MAX_DOCUMENT_BYTES = 16 * 1024 * 1024;

    String type();

    /**
     * Store the bytes of {@code data} under {@code key}, replacing what was there. With a known
     * {@code length} (≥ 0) exactly that many bytes are read (fewer is an error); with {@code length}
     * {@code < 0} the stream is read to its end and uploaded in parts (block upload / multipart), so
     * its size need not be known or fit in memory. The stream is not closed.
     */
    void put(String key, InputStream data, long length) throws IOException;

    default void put(String key, byte[] data) throws IOException {
        put(key, new ByteArrayInputStream(data), data.length);
    }

    /**
     * Several small documents, each stored as {@link #put(String, byte[])} stores it, through {@link #each}:
     * at once on a store across a network, in turn on a local one. All are stored when this returns; when
     * it throws, some may be.
     */
    default void putAll(Map<String, byte[]> documents) throws IOException {
        each(List.copyOf(documents.keySet()), key -> {
            put(key, documents.get(key));
            return Boolean.TRUE;
        });
    }

    default void put(String key, Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            put(key, in, Files.size(file));
        }
    }

    /**
     * Create the object only if no object has this key (an atomic, conditional create:
     * {@code If-None-Match: *}). Returns true when it was created, false when an object was already
     * there (which is left untouched). Of concurrent callers for one key, exactly one gets true.
     */
    boolean putIfAbsent(String key, byte[] data) throws IOException;

    /** Open the object; the caller closes the stream. Throws {@link java.nio.file.NoSuchFileException} when absent. */
    InputStream get(String key) throws IOException;

    /**
     * A small document in one round trip: the object's bytes (at most {@code maxBytes}; a larger
     * object is an {@link IOException}), or empty when there is none. Replaces exists-then-get.
     */
    Optional<byte[]> read(String key, int maxBytes) throws IOException;

    /**
     * Several small documents, each as {@link #read} gives it, in the order of {@code keys}, through
     * {@link #each}: a store across a network reads them at once — one round trip's wait instead of one
     * per key; a local one reads them in turn.
     */
    default List<Optional<byte[]>> readAll(List<String> keys, int maxBytes) throws IOException {
        return each(keys, key -> read(key, maxBytes));
    }

    /** One key's calls for {@link #each}. */
    @FunctionalInterface
    interface KeyCall<T> {
        T on(String key) throws IOException;
    }

    /**
     * {@code call} for each key, the results in the order of {@code keys}: calls that do not depend on
     * each other (each may make several store calls of its own). A store across a network runs them at
     * once ({@link ConcurrentCalls}: its one override); a local one in turn. When one fails it is thrown and the calls
     * still running are cancelled.
     */
    default <T> List<T> each(List<String> keys, KeyCall<T> call) throws IOException {
        List<T> out = new ArrayList<>(keys.size());
        for (String key : keys) {
            out.add(call.on(key));
        }
        return out;
    }

    /** The last {@code maxBytes} bytes of the object (all of it when smaller). {@link java.nio.file.NoSuchFileException} when absent. */
    byte[] tail(String key, int maxBytes) throws IOException;

    /**
     * The tails of several objects, each as {@link #tail} gives it (empty when absent), in the order of
     * {@code keys}, through {@link #each}: at once on a store across a network, like {@link #readAll}.
     */
    default List<Optional<byte[]>> tailAll(List<String> keys, int maxBytes) throws IOException {
        return each(keys, key -> {
            try {
                return Optional.of(tail(key, maxBytes));
            } catch (java.nio.file.NoSuchFileException e) {
                return Optional.empty();
            }
        });
    }

    /**
     * One page of the objects whose key starts with {@code prefix}, in key order.
     *
     * @param continuation the previous page's {@link ListPage#continuation()}, or null for the first page
     * @param maxResults   at most this many objects (the store may return fewer; 1..1000)
     */
    ListPage list(String prefix, String continuation, int maxResults) throws IOException;

    /** Every object under {@code prefix}, in key order, read page by page. */
    default List<StoredObject> listAll(String prefix) throws IOException {
        List<StoredObject> all = new ArrayList<>();
        String next = null;
        do {
            ListPage page = list(prefix, next, 1000);
            all.addAll(page.objects());
            next = page.continuation();
        } while (next != null);
        return all;
    }

    /** Delete the object if it exists. */
    void delete(String key) throws IOException;

    /** Delete every object whose key starts with {@code prefix} (in batches where the store has them). */
    void deletePrefix(String prefix) throws IOException;

    /** A stable URI naming the object, for results and logs: it grants nothing by itself. */
    URI uri(String key);

    /**
     * A URL that lets whoever holds it GET exactly this object (with HTTP {@code Range} requests
     * honoured) until {@code expiry} (a SAS / presigned URL; clamped to the store's longest validity).
     */
    SignedUrl readUrl(String key, Instant expiry);

    /** A URL that lets whoever holds it PUT exactly this object (create or replace), and nothing else, until {@code expiry}. */
    SignedUrl writeUrl(String key, Instant expiry);

    /**
     * Access to every object under {@code prefix} — for backends that move whole folders natively
     * (Azure Batch resource files from a container prefix, output files to one) — or empty when this
     * store cannot scope one grant that tightly. A grant never reaches beyond the job the prefix
     * belongs to ({@code jobs/<id>/}).
     */
    Optional<PrefixGrant> prefixGrant(String prefix, PrefixGrant.Access access, Instant expiry);

    /** One cheap call that proves the store answers with these credentials (health checks). */
    void check() throws IOException;

    static String checkKey(String key) {
        if (key == null || key.isEmpty() || key.startsWith("/") || key.contains("\\") || key.indexOf('\0') >= 0
                || hasDotSegment(key)) {
            throw new IllegalArgumentException("invalid object key: " + key);
        }
        return key;
    }

    /** Whether a {@code /}-separated segment of {@code key} is {@code .} or {@code ..} (one pass, no split: every call to the store checks its key). */
    private static boolean hasDotSegment(String key) {
        int start = 0;
        while (start <= key.length()) {
            int end = key.indexOf('/', start);
            if (end < 0) {
                end = key.length();
            }
            int n = end - start;
            if ((n == 1 || n == 2) && key.charAt(start) == '.' && (n == 1 || key.charAt(start + 1) == '.')) {
                return true;
            }
            start = end + 1;
        }
        return false;
    }
}
