package dev.conveyor.collection;

import dev.conveyor.model.Json;
import dev.conveyor.model.result.JobResult;
import dev.conveyor.storage.JobKeys;
import dev.conveyor.storage.ObjectStore;
import dev.conveyor.storage.StoredDocuments;

import java.io.IOException;
import java.util.Optional;

/**
 * Remembers, per job, which completion record produced its result. Together with the
 * transactional publish this gives exactly one result per job:
 * <ul>
 * <li>the same completion record seen again (its transaction never committed) publishes again;</li>
 * <li>another completion record for a job that already has a result (an at-least-once duplicate
 *     from upstream) publishes nothing.</li>
 * </ul>
 */
public final class ResultLedger {
    private final ObjectStore store;

    public ResultLedger(ObjectStore store) {
        this.store = store;
    }

    public record Entry(String source, JobResult result) {
    }

    public Optional<String> sourceOf(String jobId) throws IOException {
        return StoredDocuments.json(store, JobKeys.result(jobId)).map(n -> n.path("source").asText(null));
    }

    public boolean hasResult(String jobId) throws IOException {
        return store.read(JobKeys.result(jobId), ObjectStore.MAX_DOCUMENT_BYTES).isPresent();
    }

    public void record(String source, JobResult result) throws IOException {
        store.put(JobKeys.result(result.jobId()), Json.bytes(new Entry(source, result)));
    }
}
