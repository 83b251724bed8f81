package dev.conveyor.collection;

import dev.conveyor.compute.ComputeProviders;
import dev.conveyor.dispatch.ComputeJobs;
import dev.conveyor.model.events.JobCompleted;
import dev.conveyor.model.result.JobResult;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.util.Optional;

/**
 * Decides what one completion record publishes: the job's result, or nothing when the job already
 * has a result from another record. Cleans up the provider's side of the job.
 */
public final class CollectionService {
    private static final Logger LOG = Logger.getLogger(CollectionService.class);

    private final ResultBuilder builder;
    private final ResultLedger ledger;
    private final ComputeProviders providers;

    public CollectionService(ResultBuilder builder, ResultLedger ledger, ComputeProviders providers) {
        this.builder = builder;
        this.ledger = ledger;
        this.providers = providers;
    }

    /** @param source identity of the completion record ("topic/partition/offset") */
    public Optional<JobResult> collect(JobCompleted done, String source) throws IOException {
        Optional<String> recorded = ledger.sourceOf(done.jobId());
        if (recorded.isPresent() && !recorded.get().equals(source)) {
            LOG.infof("job %s already has a result (from %s); %s is a duplicate", done.jobId(), recorded.get(), source);
            return Optional.empty();
        }
        JobResult result = builder.build(done);
        if (done.job() != null) {
            try {
                providers.get(done.job().runsOn().type()).cleanup(ComputeJobs.of(done.job()));
            } catch (RuntimeException e) {
                LOG.warnf("clean-up of job %s failed (the result is published anyway): %s", done.jobId(), e.getMessage());
            }
        }
        ledger.record(source, result);
        return Optional.of(result);
    }
}
