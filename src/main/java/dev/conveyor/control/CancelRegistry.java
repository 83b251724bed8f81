package dev.conveyor.control;

import dev.conveyor.model.Json;
import dev.conveyor.storage.JobKeys;
import dev.conveyor.storage.ObjectStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
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

    /**
     * What staging, dispatch and monitoring ask before they work on a job.
     *
     * @param cancelled the reason, when a cancel was requested
     * @param answered  the job has its result already (a record delivered again after the end)
     */
    public record Check(Optional<String> cancelled, boolean answered) {
    }

    /** Whether the job was cancelled and whether it has its result, both read at once (one round trip's wait on S3 or Blob). */
    public Check check(String jobId) {
        try {
            List<Optional<byte[]>> read = store.readAll(List.of(JobKeys.cancel(jobId), JobKeys.result(jobId)),
                    ObjectStore.MAX_DOCUMENT_BYTES);
            Optional<String> cancelled = read.get(0).isEmpty() ? Optional.empty()
                    : Optional.of(Json.MAPPER.readTree(read.get(0).get()).path("reason").asText("cancelled"));
            return new Check(cancelled, read.get(1).isPresent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the cancel and result state of job " + jobId, e);
        }
    }
}
