package dev.conveyor.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * A unique, stable identity for this process without configuration. It names the transactional
 * producer ({@code conveyor-results-<id>}) and the static group membership of each stage consumer,
 * so Kafka's rules must hold: no two live processes may share it (the second would fence the first),
 * and a process restarted after a crash should get the same one back (then it fences its dead
 * predecessor's open transaction at once and takes its partitions back without a rebalance).
 *
 * <p>How: slots in {@code <data-dir>/instances/}. A process takes the first slot whose lock it can
 * hold (an OS file lock, released when the process dies, however it dies) and uses the id stored
 * in that slot, generating it the first time. Processes sharing a data dir thus get distinct ids,
 * and a restarted process gets its predecessor's. Set {@code conveyor.instance-id} to choose one.
 */
public final class InstanceIdentity {
    private static final int MAX_SLOTS = 256;
    /** Held for the life of the process: closing it would release the slot. */
    private static FileChannel held;

    private InstanceIdentity() {
    }

    public static synchronized String claim(Path dataDir) {
        Path dir = dataDir.resolve("instances");
        try {
            Files.createDirectories(dir);
            for (int slot = 0; slot < MAX_SLOTS; slot++) {
                FileChannel ch = FileChannel.open(dir.resolve("slot-" + slot + ".lock"),
                        StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock;
                try {
                    lock = ch.tryLock();
                } catch (OverlappingFileLockException e) {
                    lock = null; // this JVM holds it already
                }
                if (lock == null) {
                    ch.close();
                    continue;
                }
                held = ch;
                return idOf(dir.resolve("slot-" + slot + ".id"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot claim an instance identity in " + dir, e);
        }
        throw new IllegalStateException("more than " + MAX_SLOTS + " Conveyor processes share " + dataDir
                + "; set conveyor.instance-id explicitly");
    }

    private static String idOf(Path file) throws IOException {
        if (Files.isRegularFile(file)) {
            String id = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (!id.isEmpty()) {
                return id;
            }
        }
        byte[] random = new byte[5];
        new SecureRandom().nextBytes(random);
        String id = "cv-" + HexFormat.of().formatHex(random);
        Files.writeString(file, id + "\n", StandardCharsets.UTF_8);
        return id;
    }
}
