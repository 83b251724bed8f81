package dev.conveyor.storage.file;

import dev.conveyor.storage.ObjectStore;
import dev.conveyor.storage.StoredObject;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Object store on a local folder. Writes go to a temporary file first and are moved into place,
 * so a reader never sees half an object and a crash never leaves one.
 */
public final class FileObjectStore implements ObjectStore {
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
    public void put(String key, InputStream data) throws IOException {
        Path target = path(key);
        Files.createDirectories(target.getParent());
        Path tmp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            Files.copy(data, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    @Override
    public InputStream get(String key) throws IOException {
        Path p = path(key);
        if (!Files.isRegularFile(p)) {
            throw new NoSuchFileException(key);
        }
        return Files.newInputStream(p);
    }

    @Override
    public byte[] tail(String key, int maxBytes) throws IOException {
        Path p = path(key);
        if (!Files.isRegularFile(p)) {
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
    public boolean exists(String key) {
        return Files.isRegularFile(path(key));
    }

    @Override
    public List<StoredObject> list(String prefix) throws IOException {
        // Walk from the deepest folder the prefix names, then filter by the full prefix.
        int slash = prefix.lastIndexOf('/');
        Path start = slash < 0 ? root : root.resolve(ObjectStore.checkKey(prefix.substring(0, slash)));
        if (!Files.isDirectory(start)) {
            return List.of();
        }
        List<StoredObject> out = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(start)) {
            for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                if (p.getFileName().toString().endsWith(".tmp") && p.getFileName().toString().startsWith(".")) {
                    continue;
                }
                String key = root.relativize(p).toString().replace('\\', '/');
                if (key.startsWith(prefix)) {
                    out.add(new StoredObject(key, Files.size(p)));
                }
            }
        }
        out.sort(Comparator.comparing(StoredObject::key));
        return out;
    }

    @Override
    public void deletePrefix(String prefix) throws IOException {
        for (StoredObject o : list(prefix)) {
            Files.deleteIfExists(path(o.key()));
        }
        // Remove folders the prefix fully covers (e.g. "jobs/x/").
        if (prefix.endsWith("/")) {
            Path dir = root.resolve(ObjectStore.checkKey(prefix.substring(0, prefix.length() - 1)));
            if (Files.isDirectory(dir)) {
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
    public URI presignRead(String key, Duration ttl) {
        return uri(key);
    }
}
