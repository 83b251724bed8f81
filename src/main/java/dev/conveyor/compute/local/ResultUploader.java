package dev.conveyor.compute.local;

import dev.conveyor.model.OutputSpec;
import dev.conveyor.model.TaskState;
import dev.conveyor.storage.ObjectStore;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/** Uploads what an attempt leaves behind: its logs, and the task's output files. */
final class ResultUploader {
    /** Object-store keys of an attempt's logs; a key is null when that log file does not exist. */
    record LogKeys(String stdoutKey, String stderrKey) {
    }

    private final ObjectStore store;

    ResultUploader(ObjectStore store) {
        this.store = store;
    }

    LogKeys uploadLogs(String logPrefix, AttemptDir a) throws IOException {
        String base = (logPrefix == null ? "" : logPrefix) + AttemptDir.name(a.number()) + "/";
        return new LogKeys(upload(base + "stdout.txt", a.stdout()), upload(base + "stderr.txt", a.stderr()));
    }

    private String upload(String key, Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        store.put(key, file);
        return key;
    }

    /**
     * Upload every regular file of {@code wd} matching an output pattern whose {@code when} matches
     * {@code state}, to {@code outputPrefix + <path relative to wd>}. Symbolic links are never
     * followed, so a task cannot publish files from outside its working directory.
     *
     * @return the uploaded keys, sorted
     */
    List<String> uploadOutputs(List<OutputSpec> outputs, String outputPrefix, Path wd, TaskState state) throws IOException {
        if (outputs == null || outputs.isEmpty() || !Files.isDirectory(wd)) {
            return List.of();
        }
        List<PathMatcher> matchers = new ArrayList<>();
        for (OutputSpec o : outputs) {
            if (o.pattern() != null && (o.when() == null ? OutputSpec.When.SUCCESS : o.when()).matches(state)) {
                matchers.addAll(matchers(o.pattern()));
            }
        }
        if (matchers.isEmpty()) {
            return List.of();
        }
        Set<String> keys = new TreeSet<>();
        try (Stream<Path> walk = Files.walk(wd)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                Path rel = wd.relativize(p);
                if (matchers.stream().anyMatch(m -> m.matches(rel))) {
                    String key = (outputPrefix == null ? "" : outputPrefix) + rel.toString().replace('\\', '/');
                    try {
                        store.put(key, p);
                        keys.add(key);
                    } catch (IllegalArgumentException e) {
                        // a file name the store cannot hold as a key: skip it, keep the others
                    }
                }
            }
        }
        return List.copyOf(keys);
    }

    /** A glob; {@code **}{@code /x} also matches {@code x} at the top level, as users expect. */
    private static List<PathMatcher> matchers(String pattern) {
        List<PathMatcher> out = new ArrayList<>();
        out.add(FileSystems.getDefault().getPathMatcher("glob:" + pattern));
        if (pattern.startsWith("**/")) {
            out.add(FileSystems.getDefault().getPathMatcher("glob:" + pattern.substring(3)));
        }
        return out;
    }

    /** Uploads what the task wrote to $CONVEYOR_OUTPUTS (if anything) as the task's values. */
    void uploadValues(String key, java.nio.file.Path outputsEnv) throws IOException {
        if (java.nio.file.Files.isRegularFile(outputsEnv) && java.nio.file.Files.size(outputsEnv) > 0) {
            store.put(key, outputsEnv);
        }
    }
}
