package dev.conveyor.storage;

import com.fasterxml.jackson.databind.JsonNode;
import dev.conveyor.model.Json;
import dev.conveyor.model.TaskValues;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/** Small documents Conveyor keeps next to a job (markers, ledgers, task values), read in one call when present. */
public final class StoredDocuments {
    private StoredDocuments() {
    }

    /** The JSON document at {@code key}, or empty when there is none. */
    public static Optional<JsonNode> json(ObjectStore store, String key) throws IOException {
        Optional<byte[]> bytes = store.read(key, ObjectStore.MAX_DOCUMENT_BYTES);
        return bytes.isEmpty() ? Optional.empty() : Optional.of(Json.MAPPER.readTree(bytes.get()));
    }

    /** The JSON document at {@code key} as {@code type}, or empty when there is none. */
    public static <T> Optional<T> json(ObjectStore store, String key, Class<T> type) throws IOException {
        Optional<byte[]> bytes = store.read(key, ObjectStore.MAX_DOCUMENT_BYTES);
        return bytes.isEmpty() ? Optional.empty() : Optional.of(Json.MAPPER.readValue(bytes.get(), type));
    }

    /** The key/value outputs stored at {@code key} ({@link TaskValues}), empty when there are none. */
    public static Map<String, String> values(ObjectStore store, String key) throws IOException {
        return values(store.read(key, ObjectStore.MAX_DOCUMENT_BYTES));
    }

    /** The key/value outputs in a values document already read, empty when there is none. */
    public static Map<String, String> values(Optional<byte[]> bytes) {
        if (bytes.isEmpty()) {
            return Map.of();
        }
        int n = Math.min(bytes.get().length, TaskValues.MAX_BYTES);
        return TaskValues.parse(new String(bytes.get(), 0, n, StandardCharsets.UTF_8));
    }
}
