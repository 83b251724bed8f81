package dev.conveyor.engine;

import dev.conveyor.compute.TaskHandle;
import dev.conveyor.storage.JobKeys;
import dev.conveyor.storage.ObjectStore;
import dev.conveyor.storage.StoredObject;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads what a task wrapper returned for an attempt: its exit code (written last, so present =
 * complete) and, for wrappers that upload, the outputs archive, unpacked into {@code outputs/} so
 * every file has its own key (for results and for downstream tasks). Unpacking is idempotent: a
 * crash half-way repeats it.
 */
public final class WrapperReports {
    /** Most files and bytes taken from one outputs archive; the rest is left out, and said so. */
    static final int MAX_FILES = 100_000;

    private final ObjectStore store;

    public WrapperReports(ObjectStore store) {
        this.store = store;
    }

    /**
     * The command's exit code the wrapper reported for each attempt (empty when it did not report),
     * read together: at once on S3 or Blob.
     */
    public Map<TaskHandle, Optional<Integer>> exitCodes(List<TaskHandle> attempts) throws IOException {
        if (attempts.isEmpty()) {
            return Map.of(); // most turns: nothing ended, or a backend that runs no wrapper
        }
        List<Optional<byte[]>> read = store.readAll(attempts.stream()
                .map(h -> JobKeys.attempt(h.jobId(), h.taskId(), h.attempt()) + "exitcode").toList(), 64);
        Map<TaskHandle, Optional<Integer>> out = new HashMap<>();
        for (int i = 0; i < attempts.size(); i++) {
            out.put(attempts.get(i), exitCode(read.get(i)));
        }
        return out;
    }

    private static Optional<Integer> exitCode(Optional<byte[]> b) {
        if (b.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Integer.parseInt(new String(b.get(), StandardCharsets.US_ASCII).trim()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** {@link #unpackOutputs} of each attempt; on S3 or Blob at once. */
    public void unpackOutputs(List<TaskHandle> attempts) throws IOException {
        if (attempts.isEmpty()) {
            return;
        }
        Map<String, TaskHandle> byKey = new java.util.LinkedHashMap<>();
        attempts.forEach(h -> byKey.put(JobKeys.attempt(h.jobId(), h.taskId(), h.attempt()), h));
        store.each(List.copyOf(byKey.keySet()), key -> {
            TaskHandle h = byKey.get(key);
            unpackOutputs(h.jobId(), h.taskId(), h.attempt());
            return Boolean.TRUE;
        });
    }

    /** Unpacks {@code outputs.tar} of the attempt (if any) into its {@code outputs/} prefix; regular files only. */
    public void unpackOutputs(String jobId, String taskId, int attempt) throws IOException {
        String base = JobKeys.attempt(jobId, taskId, attempt);
        InputStream raw;
        try {
            raw = store.get(base + "outputs.tar");
        } catch (java.nio.file.NoSuchFileException e) {
            return;
        }
        try (TarArchiveInputStream tar = new TarArchiveInputStream(raw)) {
            TarArchiveEntry e;
            int files = 0;
            while ((e = tar.getNextEntry()) != null) {
                if (!e.isFile() || files >= MAX_FILES) {
                    continue;
                }
                String name = safeName(e.getName());
                if (name == null) {
                    continue;
                }
                store.put(base + "outputs/" + name, tar, e.getSize());
                files++;
            }
        }
        store.delete(base + "outputs.tar");
    }

    /** A relative, clean path inside the work folder, or null for anything that would leave it. */
    static String safeName(String name) {
        String n = name.startsWith("./") ? name.substring(2) : name;
        if (n.isEmpty() || n.startsWith("/") || n.indexOf('\0') >= 0 || n.contains("\\")) {
            return null;
        }
        for (String seg : n.split("/", -1)) {
            if (seg.isEmpty() || seg.equals(".") || seg.equals("..")) {
                return null;
            }
        }
        return n;
    }

    /** The output files an attempt left, by key. */
    public List<StoredObject> outputs(String jobId, String taskId, int attempt) throws IOException {
        return store.listAll(JobKeys.attempt(jobId, taskId, attempt) + "outputs/");
    }
}
