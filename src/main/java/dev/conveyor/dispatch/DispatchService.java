package dev.conveyor.dispatch;

import dev.conveyor.compute.ComputeJob;
import dev.conveyor.compute.ComputeProvider;
import dev.conveyor.compute.ComputeProviders;
import dev.conveyor.model.JobSpec;
import dev.conveyor.model.events.JobDispatched;

import java.time.Clock;

/**
 * Makes sure the compute environment exists, then creates the job and its tasks on the provider.
 * Job ids are the Conveyor job ids, so a re-delivered event finds the job there and carries on.
 */
public final class DispatchService {
    private final ComputeProviders providers;
    private final OptionResolver options;
    private final Clock clock;

    public DispatchService(ComputeProviders providers, OptionResolver options, Clock clock) {
        this.providers = providers;
        this.options = options;
        this.clock = clock;
    }

    /** @throws dev.conveyor.compute.ComputeException or IllegalArgumentException (bad options) */
    public JobDispatched dispatch(JobSpec job) {
        ComputeProvider provider = providers.get(job.runsOn().type());
        ComputeJob computeJob = ComputeJobs.of(job, options.resolve(job.runsOn().with()));
        provider.prepare(computeJob);
        provider.submit(computeJob);
        return new JobDispatched(job, provider.type(), clock.instant());
    }
}
