package dev.conveyor.storage;

import com.fasterxml.jackson.databind.JsonNode;
import dev.conveyor.model.Json;
import dev.conveyor.model.TaskValues;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/** Small documents Conveyor keeps next to a job (markers, ledgers, task values), read when present. */
public final class StoredDocuments {
    private StoredDocuments() {
    }

    /** The JSON document at {@code key}, or empty when there is none. */
    public static Optional<JsonNode> json(ObjectStore store, String key) throws IOException {
        if (!store.exists(key)) {
            return Optional.empty();
        }
        try (InputStream in = store.get(key)) {
            return Optional.of(Json.MAPPER.readTree(in));
        }
    }

    /** The key/value outputs a task left ({@link TaskValues}), empty when it left none. */
    public static Map<String, String> taskValues(ObjectStore store, String jobId, String taskId) throws IOException {
        String key = JobKeys.values(jobId, taskId);
        if (!store.exists(key)) {
            return Map.of();
        }
        try (InputStream in = store.get(key)) {
            return TaskValues.parse(new String(in.readNBytes(TaskValues.MAX_BYTES), StandardCharsets.UTF_8));
        }
    }
}
