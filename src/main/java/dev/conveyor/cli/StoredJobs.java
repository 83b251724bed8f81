package dev.conveyor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.conveyor.model.Json;
import dev.conveyor.model.result.JobResult;
import dev.conveyor.storage.JobKeys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The documents the service keeps per job in a local {@code file} object store, read directly:
 * {@code run} uses a new broker each time but the same data folder, so what an earlier run
 * accepted and answered is found here, not on Kafka.
 */
final class StoredJobs {
    private final Path root;

    StoredJobs(Path root) {
        this.root = root;
    }

    /** The store of {@code dataDir}: {@code conveyor.storage.file-root} when set, else {@code <data-dir>/store}. */
    static StoredJobs of(Path dataDir) {
        String configured = System.getProperty("conveyor.storage.file-root", System.getenv("CONVEYOR_STORAGE_FILE_ROOT"));
        return new StoredJobs(configured == null || configured.isBlank() ? dataDir.resolve("store") : Path.of(configured));
    }

    /** The record ("topic/partition/offset") a job with this id was accepted from, if one was. */
    Optional<String> acceptedFrom(String jobId) {
        return document(JobKeys.accepted(jobId)).map(n -> n.path("source").asText("an earlier request"));
    }

    /** The job's stored result (the {@code result} of its {@code result.json}), if it has one. */
    Optional<JobResult> result(String jobId) {
        return document(JobKeys.result(jobId)).map(n -> n.get("result"))
                .filter(JsonNode::isObject)
                .map(n -> Json.MAPPER.convertValue(n, JobResult.class));
    }

    String describe() {
        return root.toString();
    }

    private Optional<JsonNode> document(String key) {
        Path file = root.resolve(key);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.MAPPER.readTree(file.toFile()));
        } catch (IOException e) {
            return Optional.empty(); // half-written or foreign: as good as absent for a hint
        }
    }
}
