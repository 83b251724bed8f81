package dev.conveyor.monitoring;

import dev.conveyor.compute.ComputeJob;
import dev.conveyor.compute.ComputeProvider;
import dev.conveyor.compute.ComputeProviders;
import dev.conveyor.dispatch.ComputeJobs;
import dev.conveyor.monitoring.JobTracker.Step;

import java.time.Clock;
import java.time.Instant;

/** One poll of one job: ask its provider, enforce the job-level timeout, report what changed. */
public final class MonitoringService {
    private final ComputeProviders providers;
    private final Clock clock;

    public MonitoringService(ComputeProviders providers, Clock clock) {
        this.providers = providers;
        this.clock = clock;
    }

    public Step poll(JobTracker tracker) {
        ComputeProvider provider = providers.get(tracker.job().runsOn().type());
        ComputeJob job = ComputeJobs.of(tracker.job());
        Instant now = clock.instant();
        String timedOut = null;
        Instant deadline = tracker.deadline();
        if (deadline != null && now.isAfter(deadline)) {
            timedOut = "job timed out after " + tracker.job().timeoutSeconds() + "s";
            provider.cancel(job, timedOut);
        }
        return tracker.update(provider.poll(job), now, timedOut);
    }
}
