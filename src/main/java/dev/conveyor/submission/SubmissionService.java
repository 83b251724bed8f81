package dev.conveyor.submission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.model.JobSpec;
import dev.conveyor.model.Json;
import dev.conveyor.model.Problem;
import dev.conveyor.storage.JobKeys;
import dev.conveyor.storage.JobSpecs;
import dev.conveyor.storage.ObjectStore;
import dev.conveyor.storage.StoredDocuments;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decides what one request record becomes: an accepted job, a REJECTED one (every problem named),
 * a duplicate of an accepted id, or unreadable bytes for the DLQ. A ddeutil-workflow document is
 * translated into a request first ({@link DdeutilWorkflowTranslator}); its problems name the
 * document's own paths.
 *
 * <p>The job id is the request's {@code id}, else the record key, else derived from the record's
 * position — so a re-delivered record always gets the same id. Only an <em>accepted</em> request
 * claims its id: {@code jobs/<id>/accepted.json} is created if absent with the record it came from
 * ({@link Record#requestId()}); the same record again is accepted again (idempotent) unless the job
 * already has its result, another record with that id is a duplicate (whether valid or not). A
 * REJECTED request claims nothing, so a bad record cannot occupy the id of a job that later runs.
 */
public final class SubmissionService {
    private final RequestReader reader;
    private final RequestValidator validator;
    private final JobNormalizer normalizer;
    private final ObjectStore store;
    private final JobSpecs specs;
    private final Set<String> providers;
    private final DdeutilWorkflowTranslator ddeutil = new DdeutilWorkflowTranslator();

    public SubmissionService(RequestReader reader, RequestValidator validator, JobNormalizer normalizer,
                             ObjectStore store, Set<String> providers) {
        this.reader = reader;
        this.validator = validator;
        this.normalizer = normalizer;
        this.store = store;
        this.specs = new JobSpecs(store);
        this.providers = providers;
    }

    public sealed interface Outcome permits Accepted, Rejected, Duplicate, AlreadyDone, Unreadable {
    }

    /** @param spec where the normalised spec is stored (the claim check later stages follow) */
    public record Accepted(JobSpec job, JobSpecs.Ref spec, String request) implements Outcome {
    }

    /** The record of a job that already has its result, delivered again: nothing to do. */
    public record AlreadyDone(String jobId) implements Outcome {
    }

    public record Rejected(String jobId, List<Problem> problems) implements Outcome {
    }

    public record Duplicate(String jobId, String acceptedFrom) implements Outcome {
    }

    /** @param jobId the recovered id, if any: the result then says REJECTED too */
    public record Unreadable(String reason, Optional<String> jobId) implements Outcome {
    }

    /** A request record: its bytes, its key, and its position ("topic/partition/offset"). */
    public record Record(byte[] value, String key, String source, Instant timestamp) {
        /**
         * The record's identity: its position and its timestamp, so a record at the same offset of
         * a recreated topic (a fresh broker, the same object store) is a different request.
         */
        public String requestId() {
            return source + "@" + timestamp.toEpochMilli();
        }
    }

    public Outcome submit(Record record) throws IOException {
        ObjectNode request;
        try {
            request = reader.read(record.value() == null ? new byte[0] : record.value());
        } catch (UnreadableRequestException e) {
            Optional<String> id = reader.recoverId(record.value() == null ? new byte[0] : record.value())
                    .or(() -> validKey(record.key()));
            return new Unreadable(e.getMessage(), id);
        }
        DdeutilWorkflowTranslator.Translation translation = null;
        if (DdeutilWorkflowTranslator.isWorkflow(request)) {
            translation = ddeutil.translate(request);
            request = translation.request();
        }
        String jobId = jobId(request, record);
        String requestId = record.requestId();
        List<Problem> problems = validator.validate(request, providers);
        if (translation != null) {
            problems = translation.merge(problems);
        }
        problems = UnsafeValues.printable(problems);
        if (!problems.isEmpty()) {
            // an id another request holds is not this one's to answer for: no REJECTED under it
            Optional<String> acceptedFrom = acceptedFrom(jobId);
            if (acceptedFrom.isPresent() && !acceptedFrom.get().equals(requestId)) {
                return new Duplicate(jobId, acceptedFrom.get());
            }
            return new Rejected(jobId, problems);
        }
        JobSpec job = normalizer.normalize(request, record.timestamp(), () -> jobId);
        JobSpecs.Prepared spec = specs.prepare(job);
        // Claim the id and store the spec if none is there, both at once (one round trip's wait on S3 or
        // Blob), and read who holds the id only when the claim fails (a duplicate, or this record
        // delivered again): a new job costs the store two writes made together, no read. A spec stored
        // by a request that then loses the claim is one written before the holder's own: the holder
        // finds a spec there and writes its own over it, so the stored spec is always the holder's.
        String claim = JobKeys.accepted(jobId);
        byte[] source = Json.bytes(Map.of("source", requestId));
        List<Boolean> written = store.each(List.of(claim, spec.ref().key()),
                key -> key.equals(claim) ? store.putIfAbsent(key, source) : specs.saveIfAbsent(spec));
        if (!written.get(0)) {
            Optional<String> holder = acceptedFrom(jobId);
            if (holder.isPresent() && !holder.get().equals(requestId)) {
                return new Duplicate(jobId, holder.get());
            }
            if (store.read(JobKeys.result(jobId), ObjectStore.MAX_DOCUMENT_BYTES).isPresent()) {
                return new AlreadyDone(jobId);
            }
        }
        return new Accepted(job, written.get(1) ? spec.ref() : specs.save(spec), requestId);
    }

    private String jobId(JsonNode request, Record record) {
        JsonNode id = request.get("id");
        if (id != null && id.isTextual() && RequestIds.ID_PATTERN.matcher(id.asText()).matches()) {
            return id.asText();
        }
        return validKey(record.key()).orElseGet(() -> derivedId(record));
    }

    /**
     * "conveyor.requests/3/1234" at time T → "req-T-3-1234" (T in base 36): the same for every
     * delivery of the record, unique even if the topic is recreated and offsets start again.
     */
    static String derivedId(Record record) {
        String[] parts = record.source().split("/");
        return parts.length == 3
                ? "req-" + Long.toString(record.timestamp().toEpochMilli(), 36) + "-" + parts[1] + "-" + parts[2]
                : new JobIds().newId();
    }

    private static Optional<String> validKey(String key) {
        return key != null && RequestIds.ID_PATTERN.matcher(key).matches() ? Optional.of(key) : Optional.empty();
    }

    private Optional<String> acceptedFrom(String jobId) throws IOException {
        return StoredDocuments.json(store, JobKeys.accepted(jobId)).map(n -> n.path("source").asText(null));
    }
}
