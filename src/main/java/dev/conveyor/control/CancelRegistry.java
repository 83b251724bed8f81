package dev.conveyor.control;

import dev.conveyor.model.Json;
import dev.conveyor.storage.JobKeys;
import dev.conveyor.storage.ObjectStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
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
        return check(jobId, List.of()).check();
    }

    /** A {@link Check} and what else the caller read with it. */
    public record Checked(Check check, List<Optional<byte[]>> alsoRead) {
    }

    /**
     * {@link #check} and the documents at {@code alsoRead} (at most {@code 4 ×} {@link ObjectStore#MAX_DOCUMENT_BYTES}
     * each, as a run state), all read at once — one round trip's wait on S3 or Blob for the check and what the caller
     * reads next.
     */
    public Checked check(String jobId, List<String> alsoRead) {
        try {
            List<String> keys = new ArrayList<>(2 + alsoRead.size());
            keys.add(JobKeys.cancel(jobId));
            keys.add(JobKeys.result(jobId));
            keys.addAll(alsoRead);
            List<Optional<byte[]>> read = store.readAll(keys, ObjectStore.MAX_DOCUMENT_BYTES * 4);
            Optional<String> cancelled = read.get(0).isEmpty() ? Optional.empty()
                    : Optional.of(Json.MAPPER.readTree(read.get(0).get()).path("reason").asText("cancelled"));
            return new Checked(new Check(cancelled, read.get(1).isPresent()), read.subList(2, read.size()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the cancel and result state of job " + jobId, e);
        }
    }
}
