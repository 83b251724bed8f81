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
 *
 * <p>The folders are made in {@link #base()}: {@code -Dbench.dir} when set, else {@code /dev/shm} (a tmpfs) when
 * it has room, else the system's temporary folder. Why not the disk: on the project's machines it is ext4
 * <em>without a journal</em>, where creating a file skips every inode deleted in the last one to six minutes
 * ({@code recently_deleted} in the kernel's inode allocator) — after a run that deleted its ~100,000 files the
 * next run's object-store writes cost up to 10× their CPU (the floor's store-and-engine part measured 0.14 ms
 * per job on tmpfs, 0.39 ms on the disk and 0.96–2.4 ms on it after a few runs), so runs were not comparable.
 */
final class BenchDirs {
    private static final Set<Path> KEPT = ConcurrentHashMap.newKeySet();

    private BenchDirs() {
    }

    /** Below this much free space {@code /dev/shm} is not used (a 10,000-job ratio run needs ~1 GB). */
    private static final long SHM_ROOM = 4L << 30;

    /** Where the benches make their folders (see the class comment). */
    static Path base() throws IOException {
        String chosen = System.getProperty("bench.dir", "");
        if (!chosen.isBlank()) {
            return Files.createDirectories(Path.of(chosen));
        }
        Path shm = Path.of("/dev/shm");
        if (Files.isDirectory(shm) && Files.isWritable(shm) && Files.getFileStore(shm).getUsableSpace() > SHM_ROOM) {
            return shm;
        }
        return Path.of(System.getProperty("java.io.tmpdir"));
    }

    static Path create(String prefix) throws IOException {
        Path root = Files.createTempDirectory(base(), prefix);
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
