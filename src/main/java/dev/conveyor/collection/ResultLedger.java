package dev.conveyor.collection;

import dev.conveyor.model.JobState;
import dev.conveyor.model.Json;
import dev.conveyor.model.events.JobCompleted;
import dev.conveyor.model.result.JobResult;
import dev.conveyor.storage.JobKeys;
import dev.conveyor.storage.ObjectStore;

import java.io.IOException;
import java.util.Optional;

/**
 * Remembers which completion record produced an answer. Together with the transactional publish
 * this gives exactly one result per job:
 * <ul>
 * <li>the same completion record seen again (its transaction never committed) publishes again;</li>
 * <li>another completion record for a job that already has a result (an at-least-once duplicate
 *     from upstream) publishes nothing.</li>
 * </ul>
 * An accepted job's entry is {@code jobs/<id>/result.json}; a REJECTED answer has an entry per
 * request record ({@link JobKeys#rejected}), so it never stands in the way of the id's real job.
 */
public final class ResultLedger {
    private final ObjectStore store;

    public ResultLedger(ObjectStore store) {
        this.store = store;
    }

    public record Entry(String source, JobResult result) {
    }

    public static String keyFor(JobCompleted done) {
        return done.state() == JobState.REJECTED && done.request() != null
                ? JobKeys.rejected(done.jobId(), done.request()) : JobKeys.result(done.jobId());
    }

    /** The record that produced the entry at {@code key}, given the entry as read (empty: there is none). */
    public static Optional<String> sourceIn(String key, Optional<byte[]> entry) throws IOException {
        if (entry.isEmpty()) {
            return Optional.empty();
        }
        if (entry.get().length > ObjectStore.MAX_DOCUMENT_BYTES) {
            throw new IOException("object " + key + " is larger than " + ObjectStore.MAX_DOCUMENT_BYTES + " bytes");
        }
        return Optional.ofNullable(Json.MAPPER.readTree(entry.get()).path("source").asText(null));
    }

    public boolean hasResult(String jobId) throws IOException {
        return store.read(JobKeys.result(jobId), ObjectStore.MAX_DOCUMENT_BYTES).isPresent();
    }

    public void record(String key, String source, JobResult result) throws IOException {
        store.put(key, Json.bytes(new Entry(source, result)));
    }
}
