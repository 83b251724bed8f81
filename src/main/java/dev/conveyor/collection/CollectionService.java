package dev.conveyor.collection;

import dev.conveyor.engine.JobDrivers;
import dev.conveyor.engine.RunState;
import dev.conveyor.engine.RunStore;
import dev.conveyor.model.JobSpec;
import dev.conveyor.model.Json;
import dev.conveyor.model.events.JobCompleted;
import dev.conveyor.model.result.JobResult;
import dev.conveyor.storage.JobKeys;
import dev.conveyor.storage.JobSpecs;
import dev.conveyor.storage.ObjectStore;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Decides what one completion record publishes: the job's result (bounded in size, the whole of it
 * stored), or nothing when the job already has a result from another record. Releases what the job
 * held on its backend.
 */
public final class CollectionService {
    private static final Logger LOG = Logger.getLogger(CollectionService.class);

    private final ResultBuilder builder;
    private final ResultLedger ledger;
    private final ResultBounds bounds;
    private final ObjectStore store;
    private final JobSpecs specs;
    private final RunStore runs;
    private final JobDrivers drivers;

    public CollectionService(ResultBuilder builder, ResultLedger ledger, ResultBounds bounds, ObjectStore store,
                             JobDrivers drivers) {
        this.builder = builder;
        this.ledger = ledger;
        this.bounds = bounds;
        this.store = store;
        this.specs = new JobSpecs(store);
        this.runs = new RunStore(store);
        this.drivers = drivers;
    }

    /** @param source identity of the completion record ("topic/partition/offset") */
    public Optional<JobResult> collect(JobCompleted done, String source) throws IOException {
        String key = ResultLedger.keyFor(done);
        boolean ran = done.specKey() != null;
        // the ledger entry and the run state the job ended in do not depend on each other: read at once
        // (one round trip's wait on S3 or Blob, not two in turn)
        List<String> keys = new ArrayList<>();
        keys.add(key);
        if (ran) {
            keys.addAll(RunStore.keysFrom(done.jobId(), done.runVersion()));
        }
        List<Optional<byte[]>> read = store.readAll(keys, RunStore.MAX_BYTES);
        Optional<String> recorded = ResultLedger.sourceIn(key, read.get(0));
        if (recorded.isPresent() && !recorded.get().equals(source)) {
            LOG.infof("job %s already has a result (from %s); %s is a duplicate", done.jobId(), recorded.get(), source);
            return Optional.empty();
        }
        JobSpec spec = ran ? specs.load(done.specKey(), done.specHash()) : null;
        RunState run = spec == null ? null : runs.latest(done.jobId(), done.runVersion(), read.subList(1, read.size())).orElse(null);
        JobResult full = builder.build(done, done.ran() ? spec : null, done.ran() ? run : null);
        JobResult result = full;
        if (!bounds.fits(full)) {
            store.put(JobKeys.fullResult(done.jobId()), Json.bytes(full));
            result = bounds.fit(full, store.uri(JobKeys.fullResult(done.jobId())).toString());
        }
        if (spec != null && run != null) {
            try {
                drivers.release(spec, run.environment);
            } catch (RuntimeException e) {
                LOG.warnf("clean-up of job %s failed (the result is published anyway): %s", done.jobId(), e.getMessage());
            }
        }
        ledger.record(key, source, result);
        return Optional.of(result);
    }
}
