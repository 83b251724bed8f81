package dev.conveyor.staging;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code file:} input sources, read only inside the allowed folders.
 *
 * <p>A source is first checked lexically (so nothing outside the folders is even looked at, and a
 * request cannot probe which files exist there), then on its real path: links and {@code ..} are
 * resolved as the kernel resolves them, so a link inside a folder that points outside is refused,
 * and a link that stays inside is fine. The file is then opened by walking from the folder's real
 * path one component at a time with {@code O_NOFOLLOW} ({@link SecureDirectoryStream}, openat on
 * Linux): if a component was swapped for a link after the check, the open fails instead of
 * following it. Where the platform has no secure directory streams, the file is opened without
 * following a final link and its real path is checked again after opening (a narrower window).
 */
final class FileSources {

    private static final String SETTING = "conveyor.storage.allowed-file-roots";
    private final List<Path> roots;

    FileSources(List<Path> roots) {
        this.roots = roots.stream().map(p -> p.toAbsolutePath().normalize()).toList();
    }

    InputStream open(java.net.URI uri, String source) throws StagingException {
        if (roots.isEmpty()) {
            throw new StagingException("input source '" + source + "' is refused: file: sources are disabled on this "
                    + "service (set " + SETTING + ")");
        }
        String authority = uri.getRawAuthority();
        if (uri.isOpaque() || uri.getPath() == null || !uri.getPath().startsWith("/")
                || (authority != null && !authority.isEmpty() && !authority.equalsIgnoreCase("localhost"))) {
            throw new StagingException("input source '" + source + "' is not a local absolute file: URI "
                    + "(write file:///path/to/file)");
        }
        Path path;
        try {
            path = Path.of(uri.getPath());
        } catch (InvalidPathException e) {
            throw new StagingException("input source '" + source + "' is not a valid path: " + e.getReason());
        }
        List<Path> realRoots = realRoots();
        Path lexical = path.normalize();
        if (roots.stream().noneMatch(lexical::startsWith) && realRoots.stream().noneMatch(lexical::startsWith)) {
            throw outside(source);
        }
        Path real;
        try {
            real = path.toRealPath(); // not the lexical one: root/link/.. is where the link leads, then up
        } catch (NoSuchFileException e) {
            throw new StagingException("input source '" + source + "' does not exist", e);
        } catch (IOException e) {
            throw new StagingException("cannot read input source '" + source + "': " + e.getMessage(), e);
        }
        Path root = realRoots.stream().filter(real::startsWith).findFirst().orElseThrow(() -> outside(source));
        try {
            return openBeneath(root, root.relativize(real));
        } catch (NotRegularFileException e) {
            throw new StagingException("input source '" + source + "' is not a regular file", e);
        } catch (FileSystemException e) {
            throw new StagingException("input source '" + source + "' changed while it was being opened (a folder or "
                    + "the file became a link?): " + e.getMessage(), e);
        } catch (IOException e) {
            throw new StagingException("cannot read input source '" + source + "': " + e.getMessage(), e);
        }
    }

    private StagingException outside(String source) {
        return new StagingException("input source '" + source + "' is outside the folders this service may read "
                + roots + " (a symbolic link or '..' leads out of them, or it never was in them; see " + SETTING + ")");
    }

    /** The real paths of the roots that exist now. */
    private List<Path> realRoots() {
        List<Path> real = new ArrayList<>();
        for (Path root : roots) {
            try {
                real.add(root.toRealPath());
            } catch (IOException missing) {
                // a root that does not exist (yet) allows nothing
            }
        }
        return real;
    }

    /**
     * Opens {@code relative} below the directory {@code root} without following any link on the
     * way: each folder is opened relative to the previous one with NOFOLLOW, then the file.
     */
    static InputStream openBeneath(Path root, Path relative) throws IOException {
        if (relative.toString().isEmpty()) {
            throw new NotRegularFileException(root.toString());
        }
        DirectoryStream<Path> top = Files.newDirectoryStream(root);
        if (!(top instanceof SecureDirectoryStream<Path> secure)) {
            top.close();
            return openAndRecheck(root.resolve(relative));
        }
        List<SecureDirectoryStream<Path>> opened = new ArrayList<>(List.of(secure));
        try {
            SecureDirectoryStream<Path> dir = secure;
            for (int k = 0; k < relative.getNameCount() - 1; k++) {
                dir = dir.newDirectoryStream(relative.getName(k), LinkOption.NOFOLLOW_LINKS);
                opened.add(dir);
            }
            Path name = relative.getFileName();
            BasicFileAttributes attributes = dir.getFileAttributeView(name, BasicFileAttributeView.class,
                    LinkOption.NOFOLLOW_LINKS).readAttributes();
            if (!attributes.isRegularFile()) {
                throw attributes.isSymbolicLink() ? new FileSystemException(name + " is a symbolic link")
                        : new NotRegularFileException(name.toString());
            }
            SeekableByteChannel channel = dir.newByteChannel(name, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
            return Channels.newInputStream(channel);
        } finally {
            for (SecureDirectoryStream<Path> d : opened) {
                d.close();
            }
        }
    }

    private static InputStream openAndRecheck(Path real) throws IOException {
        if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
            throw new NotRegularFileException(real.toString());
        }
        SeekableByteChannel channel = Files.newByteChannel(real, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        if (!real.toRealPath().equals(real)) {
            channel.close();
            throw new FileSystemException(real + " changed while it was being opened");
        }
        return Channels.newInputStream(channel);
    }

    /** The path names a folder, a device or a pipe: nothing to stage. */
    static final class NotRegularFileException extends IOException {
        NotRegularFileException(String path) {
            super(path + " is not a regular file");
        }
    }
}
