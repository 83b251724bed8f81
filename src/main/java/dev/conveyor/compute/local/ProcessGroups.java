package dev.conveyor.compute.local;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Looks at and signals processes and process groups. Reads {@code /proc} where it can (cheap, no
 * process spawning); signals groups with {@code kill -SIG -- -<pgid>}, falling back to
 * {@link ProcessHandle#descendants()} when that is not possible.
 */
final class ProcessGroups {
    /** Tolerance when comparing a recorded process start instant with the live one. */
    private static final Duration START_TOLERANCE = Duration.ofSeconds(1);
    private static final Path PROC = Path.of("/proc");

    private ProcessGroups() {
    }

    /** The start instant of a live process, if the platform tells. */
    static Instant startInstant(ProcessHandle handle) {
        return handle.info().startInstant().orElse(null);
    }

    /**
     * Whether the process {@code pid} is alive (not a zombie) and is the one that started at
     * {@code recordedStart} (null = do not check), i.e. the pid was not reused meanwhile.
     */
    static boolean alive(long pid, Instant recordedStart) {
        if (pid <= 0) {
            return false;
        }
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty() || !handle.get().isAlive() || isZombie(pid)) {
            return false;
        }
        if (recordedStart == null) {
            return true;
        }
        Instant now = startInstant(handle.get());
        return now == null || Duration.between(recordedStart, now).abs().compareTo(START_TOLERANCE) <= 0;
    }

    /**
     * Whether the process group of the task process recorded as {@code pgid}, started at
     * {@code recordedStart} (null = do not check), still has a live member. False when the number now
     * belongs to another process: Linux hands out no number still in use as a group id, so a reused
     * pid means that group is gone, and the group now going by that number is someone else's.
     */
    static boolean groupAlive(long pgid, Instant recordedStart) {
        return !reused(pgid, recordedStart) && groupAlive(pgid);
    }

    /** Whether {@code pid} is held by a process other than the one that started at {@code recordedStart}. */
    private static boolean reused(long pid, Instant recordedStart) {
        if (recordedStart == null) {
            return false;
        }
        Instant now = ProcessHandle.of(pid).map(ProcessGroups::startInstant).orElse(null);
        return now != null && Duration.between(recordedStart, now).abs().compareTo(START_TOLERANCE) > 0;
    }

    /** Whether any live (non-zombie) process belongs to process group {@code pgid}. */
    private static boolean groupAlive(long pgid) {
        if (!Files.isDirectory(PROC)) {
            return alive(pgid, null);
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(PROC)) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                String[] f = statFields(p.resolve("stat"));
                if (f != null && !f[0].equals("Z") && !f[0].equals("X") && f[2].equals(Long.toString(pgid))) {
                    return true;
                }
            }
        } catch (IOException e) {
            return alive(pgid, null);
        }
        return false;
    }

    /**
     * Send SIGTERM (or SIGKILL when {@code force}) to every process of the group led by the task process
     * recorded as {@code pgid}, started at {@code recordedStart} — nothing when that number now belongs to
     * another process (see {@link #groupAlive(long, Instant)}): never signal someone else's group.
     */
    static void signalGroup(long pgid, Instant recordedStart, boolean force) {
        if (pgid <= 1 || reused(pgid, recordedStart)) {
            return;
        }
        boolean ran = false;
        try {
            Process kill = new ProcessBuilder("kill", force ? "-KILL" : "-TERM", "--", "-" + pgid)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            kill.waitFor(5, TimeUnit.SECONDS);
            ran = true; // a non-zero exit means the group is gone already: nothing to fall back to
        } catch (IOException e) {
            // no kill binary: fall back below
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!ran) {
            ProcessHandle.of(pgid).ifPresent(h -> {
                h.descendants().forEach(d -> destroy(d, force));
                destroy(h, force);
            });
        }
    }

    private static void destroy(ProcessHandle h, boolean force) {
        if (force) {
            h.destroyForcibly();
        } else {
            h.destroy();
        }
    }

    private static boolean isZombie(long pid) {
        String[] f = statFields(PROC.resolve(Long.toString(pid)).resolve("stat"));
        return f != null && (f[0].equals("Z") || f[0].equals("X"));
    }

    /** Fields of /proc/pid/stat after the command name: state, ppid, pgrp, ... ; null if unreadable. */
    private static String[] statFields(Path stat) {
        try {
            String s = Files.readString(stat);
            int close = s.lastIndexOf(')');
            return close < 0 ? null : s.substring(close + 2).trim().split(" ");
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
