package dev.conveyor.monitoring;

import dev.conveyor.compute.ComputeJob;
import dev.conveyor.compute.ComputeProvider;
import dev.conveyor.compute.ComputeProviders;
import dev.conveyor.model.JobState;
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

    /** @param cancelReason set when the job was asked to stop, else null */
    public Step poll(JobTracker tracker, String cancelReason) {
        ComputeProvider provider = providers.get(tracker.job().runsOn().type());
        ComputeJob job = tracker.computeJob();
        Instant now = clock.instant();
        JobTracker.Stop stop = null;
        Instant deadline = tracker.deadline();
        if (cancelReason != null) {
            stop = new JobTracker.Stop(JobState.CANCELLED, "cancelled: " + cancelReason);
        } else if (deadline != null && now.isAfter(deadline)) {
            stop = new JobTracker.Stop(JobState.TIMED_OUT, "job timed out after " + tracker.job().timeoutSeconds() + "s");
        }
        if (stop != null) {
            provider.cancel(job, stop.reason());
        }
        return tracker.update(provider.poll(job), now, stop);
    }
}
