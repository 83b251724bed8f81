package dev.conveyor.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Scratch folders and files of tests under {@code target/tmp}, not the machine's {@code /tmp}: a
 * build cleans them with the rest of {@code target/}, and a failed run's logs stay beside its reports.
 */
public final class TestDirs {
    private static final Path ROOT = Path.of("target", "tmp").toAbsolutePath();

    private TestDirs() {
    }

    public static Path create(String prefix) throws IOException {
        return Files.createTempDirectory(Files.createDirectories(ROOT), prefix);
    }

    public static Path file(String prefix, String suffix) throws IOException {
        return Files.createTempFile(Files.createDirectories(ROOT), prefix, suffix);
    }

    /**
     * The JVM option that gives a process a test starts the same scratch root as its temporary folder:
     * what it leaves there when a test kills it (Vert.x's file cache, say) goes with {@code target/}.
     */
    public static String tmpdirOption() throws IOException {
        return "-Djava.io.tmpdir=" + Files.createDirectories(ROOT);
    }
}
