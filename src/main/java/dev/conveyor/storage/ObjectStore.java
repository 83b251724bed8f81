package dev.conveyor.storage;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The storage SPI: {@code file}, {@code azure-blob}, {@code s3}. Keys are '/'-separated, relative,
 * never containing {@code ..}. Puts and gets stream; nothing is held whole in memory.
 */
public interface ObjectStore {

    String type();

    /** Store {@code data} under {@code key}, replacing what was there. The stream is read to its end, not closed. */
    void put(String key, InputStream data) throws IOException;

    default void put(String key, Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            put(key, in);
        }
    }

    default void put(String key, byte[] data) throws IOException {
        put(key, new java.io.ByteArrayInputStream(data));
    }

    /** Open the object; the caller closes the stream. Throws {@link java.nio.file.NoSuchFileException} when absent. */
    InputStream get(String key) throws IOException;

    /** The last {@code maxBytes} bytes of the object (the whole object when smaller). */
    byte[] tail(String key, int maxBytes) throws IOException;

    boolean exists(String key) throws IOException;

    /** Every object whose key starts with {@code prefix}, sorted by key. */
    List<StoredObject> list(String prefix) throws IOException;

    /** Delete every object whose key starts with {@code prefix}. */
    void deletePrefix(String prefix) throws IOException;

    /** A stable URI naming the object, for results and logs. */
    URI uri(String key);

    /** A URI that grants read access for {@code ttl} (a SAS or presigned URL; for {@code file}, the plain URI). */
    URI presignRead(String key, Duration ttl);

    static String checkKey(String key) {
        if (key == null || key.isEmpty() || key.startsWith("/") || key.contains("\\")
                || List.of(key.split("/")).stream().anyMatch(s -> s.equals("..") || s.equals("."))) {
            throw new IllegalArgumentException("invalid object key: " + key);
        }
        return key;
    }
}
