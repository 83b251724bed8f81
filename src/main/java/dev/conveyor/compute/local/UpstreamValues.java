package dev.conveyor.compute.local;

import dev.conveyor.model.Json;
import dev.conveyor.model.TaskValues;
import dev.conveyor.storage.ObjectStore;
import dev.conveyor.storage.StoredDocuments;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The key/value outputs of the tasks a task needs, read from the object store: handed to the task
 * as {@code CONVEYOR_NEEDS_<TASK>_<KEY>} variables and as a JSON file named by {@code $CONVEYOR_NEEDS}.
 */
final class UpstreamValues {
    private final ObjectStore store;

    UpstreamValues(ObjectStore store) {
        this.store = store;
    }

    /** Writes {@code needs.json} into {@code attemptDir}; returns the variables for the task's environment. */
    Map<String, String> prepare(String jobId, List<String> upstreamTasks, Path attemptDir) throws IOException {
        Map<String, Map<String, String>> upstream = new LinkedHashMap<>();
        for (String task : upstreamTasks) {
            upstream.put(task, StoredDocuments.values(store, dev.conveyor.storage.JobKeys.values(jobId, task)));
        }
        Path file = attemptDir.resolve("needs.json");
        Files.write(file, Json.bytes(upstream));
        Map<String, String> env = new LinkedHashMap<>(TaskValues.env(upstream));
        env.put("CONVEYOR_NEEDS", file.toString());
        return env;
    }
}
