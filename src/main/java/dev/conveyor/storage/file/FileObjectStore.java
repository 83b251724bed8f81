package dev.conveyor.storage.file;

import dev.conveyor.storage.ListPage;
import dev.conveyor.storage.ObjectStore;
import dev.conveyor.storage.PrefixGrant;
import dev.conveyor.storage.SignedUrl;
import dev.conveyor.storage.StoredObject;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * Object store on a local folder. Writes go to a temporary file first and are moved into place,
 * so a reader never sees half an object and a crash never leaves one; a conditional create is a
 * hard link, which the file system makes atomically or refuses. Its "signed" URLs are plain
 * {@code file:} URIs: they only mean something on this machine, to the local backend.
 */
public final class FileObjectStore implements ObjectStore {
    private static final String TMP_SUFFIX = ".tmp";
    private final Path root;

    public FileObjectStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
        try {
            Files.createDirectories(this.root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create object store folder " + this.root, e);
        }
    }

    public Path root() {
        return root;
    }

    @Override
    public String type() {
        return "file";
    }

    private Path path(String key) {
        return root.resolve(ObjectStore.checkKey(key));
    }

    @Override
    public void put(String key, InputStream data, long length) throws IOException {
        Path target = path(key);
        Path tmp = writeTemp(target, data, length);
        try {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    @Override
    public boolean putIfAbsent(String key, byte[] data) throws IOException {
        Path target = path(key);
        Path tmp = writeTemp(target, new java.io.ByteArrayInputStream(data), data.length);
        try {
            Files.createLink(target, tmp); // link(2): atomic, fails when the name exists
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static Path writeTemp(Path target, InputStream data, long length) throws IOException {
        Files.createDirectories(target.getParent());
        // a random name from the thread's generator (UUID.randomUUID locks around the secure one);
        // CREATE_NEW, so even a collision could never mix two writers' bytes
        Path tmp = target.resolveSibling("." + target.getFileName() + "."
                + Long.toHexString(ThreadLocalRandom.current().nextLong()) + TMP_SUFFIX);
        try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            if (length < 0) {
                data.transferTo(out);
            } else {
                copyExactly(data, out, length);
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        return tmp;
    }

    private static void copyExactly(InputStream in, OutputStream out, long length) throws IOException {
        byte[] buf = new byte[(int) Math.max(1, Math.min(64 * 1024, length))]; // most objects are small: no 64 KiB per write
        long left = length;
        while (left > 0) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) {
                throw new EOFException("the stream ended " + left + " bytes before the announced length " + length);
            }
            out.write(buf, 0, n);
            left -= n;
        }
    }

    @Override
    public InputStream get(String key) throws IOException {
        Path p = path(key);
        if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
            throw new NoSuchFileException(key);
        }
        return Files.newInputStream(p);
    }

    @Override
    public Optional<byte[]> read(String key, int maxBytes) throws IOException {
        Path p = path(key);
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty(); // the common miss answered by one stat, not by building an exception
        }
        try (InputStream in = Files.newInputStream(p)) {
            byte[] bytes = in.readNBytes(maxBytes + 1);
            if (bytes.length > maxBytes) {
                throw new IOException("object " + key + " is larger than " + maxBytes + " bytes");
            }
            return Optional.of(bytes);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public byte[] tail(String key, int maxBytes) throws IOException {
        Path p = path(key);
        if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
            throw new NoSuchFileException(key);
        }
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "r")) {
            long len = f.length();
            int n = (int) Math.min(len, maxBytes);
            byte[] buf = new byte[n];
            f.seek(len - n);
            f.readFully(buf);
            return buf;
        }
    }

    @Override
    public ListPage list(String prefix, String continuation, int maxResults) throws IOException {
        List<StoredObject> page = new ArrayList<>();
        String last = null;
        for (StoredObject o : sortedUnder(prefix)) {
            if (continuation != null && o.key().compareTo(continuation) <= 0) {
                continue;
            }
            if (page.size() == Math.max(1, maxResults)) {
                return new ListPage(page, last);
            }
            page.add(o);
            last = o.key();
        }
        return new ListPage(page, null);
    }

    private List<StoredObject> sortedUnder(String prefix) throws IOException {
        // Walk from the deepest folder the prefix names, then filter by the full prefix.
        int slash = prefix.lastIndexOf('/');
        Path start = slash < 0 ? root : root.resolve(ObjectStore.checkKey(prefix.substring(0, slash)));
        if (!Files.isDirectory(start, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        List<StoredObject> out = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(start)) {
            for (Path p : (Iterable<Path>) walk.filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS))::iterator) {
                String name = p.getFileName().toString();
                if (name.startsWith(".") && name.endsWith(TMP_SUFFIX)) {
                    continue;
                }
                String key = root.relativize(p).toString().replace('\\', '/');
                if (key.startsWith(prefix)) {
                    try {
                        out.add(new StoredObject(key, Files.size(p)));
                    } catch (NoSuchFileException gone) {
                        // deleted while listing
                    }
                }
            }
        } catch (UncheckedIOException e) {
            if (!(e.getCause() instanceof NoSuchFileException)) {
                throw e.getCause();
            }
        }
        out.sort(Comparator.comparing(StoredObject::key));
        return out;
    }

    @Override
    public void delete(String key) throws IOException {
        Files.deleteIfExists(path(key));
    }

    @Override
    public void deletePrefix(String prefix) throws IOException {
        for (StoredObject o : sortedUnder(prefix)) {
            Files.deleteIfExists(path(o.key()));
        }
        // Remove folders the prefix fully covers (e.g. "jobs/x/").
        if (prefix.endsWith("/")) {
            Path dir = root.resolve(ObjectStore.checkKey(prefix.substring(0, prefix.length() - 1)));
            if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                try (Stream<Path> walk = Files.walk(dir)) {
                    for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        }
    }

    @Override
    public URI uri(String key) {
        return path(key).toUri();
    }

    @Override
    public SignedUrl readUrl(String key, Instant expiry) {
        return new SignedUrl(uri(key), Map.of(), expiry);
    }

    @Override
    public SignedUrl writeUrl(String key, Instant expiry) {
        return new SignedUrl(uri(key), Map.of(), expiry);
    }

    @Override
    public Optional<PrefixGrant> prefixGrant(String prefix, PrefixGrant.Access access, Instant expiry) {
        return Optional.of(new PrefixGrant(root.toUri(), ObjectStore.checkKey(prefix), access, expiry));
    }

    @Override
    public void check() throws IOException {
        if (!Files.isDirectory(root) || !Files.isWritable(root)) {
            throw new IOException("object store folder " + root + " is not a writable folder");
        }
    }
}
