package dev.conveyor.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A CPU quota for one process, through the kernel's cgroup {@code cpu} controller (v1:
 * {@code cpu.cfs_quota_us}; v2: {@code cpu.max}): on a machine of two cores it stands in for a
 * process having a machine (or a share of a node) of its own, so that adding a process adds CPU
 * instead of taking it from the others. Needs a cgroup hierarchy this user may write (root, in a
 * container that allows it); {@link #create} says why not otherwise, and the caller runs uncapped.
 * The process is started inside the group ({@link #wrap}), so every thread it ever has is counted.
 */
final class CpuQuota implements AutoCloseable {
    private static final long PERIOD_US = 100_000;
    private final Path dir;
    private final boolean v2;

    private CpuQuota(Path dir, boolean v2) {
        this.dir = dir;
        this.v2 = v2;
    }

    /** A new group limited to {@code cores} CPUs; throws with the reason when this machine has none to give. */
    static CpuQuota create(String name, double cores) throws IOException {
        long quota = Math.round(cores * PERIOD_US);
        Path v1 = Path.of("/sys/fs/cgroup/cpu");
        Path v2 = Path.of("/sys/fs/cgroup");
        String group = "conveyor-bench-" + name;
        if (Files.exists(v1.resolve("cpu.cfs_quota_us"))) {
            Path dir = Files.createDirectories(v1.resolve(group));
            Files.writeString(dir.resolve("cpu.cfs_period_us"), Long.toString(PERIOD_US));
            Files.writeString(dir.resolve("cpu.cfs_quota_us"), Long.toString(quota));
            return new CpuQuota(dir, false);
        }
        if (Files.exists(v2.resolve("cgroup.controllers"))
                && Files.readString(v2.resolve("cgroup.subtree_control")).contains("cpu")) {
            Path dir = Files.createDirectories(v2.resolve(group));
            Files.writeString(dir.resolve("cpu.max"), quota + " " + PERIOD_US);
            return new CpuQuota(dir, true);
        }
        throw new IOException("no writable cgroup cpu controller (v1 at " + v1 + ", or v2 with cpu in "
                + v2.resolve("cgroup.subtree_control") + ")");
    }

    /** {@code command}, started inside this group: a shell joins it, then becomes the command. */
    List<String> wrap(List<String> command) {
        List<String> out = new ArrayList<>(List.of("sh", "-c", "echo $$ > \"$0\" && exec \"$@\"",
                dir.resolve("cgroup.procs").toString()));
        out.addAll(command);
        return out;
    }

    /** How long the group's processes waited for their quota so far, in seconds: > 0 shows the cap was what bounded them. */
    double throttledSeconds() {
        try {
            for (String line : Files.readAllLines(dir.resolve("cpu.stat"))) {
                String[] kv = line.split(" ");
                if (!v2 && kv[0].equals("throttled_time")) {
                    return Long.parseLong(kv[1]) / 1e9;
                }
                if (v2 && kv[0].equals("throttled_usec")) {
                    return Long.parseLong(kv[1]) / 1e6;
                }
            }
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }

    /** Removes the group; call once its processes have exited. */
    @Override
    public void close() {
        try {
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            System.out.println("(cgroup " + dir + " not removed: " + e.getMessage() + ")");
        }
    }
}
