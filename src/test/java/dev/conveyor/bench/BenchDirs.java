package dev.conveyor.bench;

import dev.conveyor.emulator.OwnedFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A bench's working folder (broker data, the services' data, logs and temporary files): deleted when the
 * bench's JVM ends, so runs do not pile up in {@code /tmp} (a 10,000-job ratio run leaves ~1 GB). Kept when
 * {@code -Dbench.keep=true}, or when the bench {@link #keep}s it (the chaos and fuzz benches do when they
 * found a problem, so its logs can be read).
 */
final class BenchDirs {
    private static final Set<Path> KEPT = ConcurrentHashMap.newKeySet();

    private BenchDirs() {
    }

    static Path create(String prefix) throws IOException {
        Path root = Files.createTempDirectory(prefix);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (!kept(root)) {
                OwnedFiles.deleteQuietly(root);
            }
        }, "bench-dirs-cleanup"));
        return root;
    }

    /** Leaves {@code root} in place when the bench ends. */
    static void keep(Path root) {
        KEPT.add(root);
    }

    static boolean kept(Path root) {
        return Boolean.getBoolean("bench.keep") || KEPT.contains(root);
    }

    /** What the bench prints at its end about its folder. */
    static String where(Path root) {
        return kept(root) ? "logs and data: " + root
                : "logs and data deleted at exit (-Dbench.keep=true keeps them): " + root;
    }
}
