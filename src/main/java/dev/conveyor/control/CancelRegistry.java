package dev.conveyor.control;

import dev.conveyor.model.Json;
import dev.conveyor.storage.JobKeys;
import dev.conveyor.storage.ObjectStore;
import dev.conveyor.storage.StoredDocuments;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;

/**
 * Cancel requests, kept in the object store so that every stage sees them whenever the job
 * reaches it: a job cancelled before it is staged or dispatched never runs.
 */
public final class CancelRegistry {
    private final ObjectStore store;

    public CancelRegistry(ObjectStore store) {
        this.store = store;
    }

    public void request(String jobId, String reason) {
        try {
            store.putIfAbsent(JobKeys.cancel(jobId), Json.bytes(Map.of("reason", reason)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record the cancel of job " + jobId, e);
        }
    }

    /** The reason the job was cancelled, if it was. */
    public Optional<String> reason(String jobId) {
        try {
            return StoredDocuments.json(store, JobKeys.cancel(jobId)).map(n -> n.path("reason").asText("cancelled"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the cancel state of job " + jobId, e);
        }
    }
}
