package dev.conveyor.dispatch;

import dev.conveyor.engine.JobDriver;
import dev.conveyor.engine.JobDrivers;
import dev.conveyor.engine.RunStore;
import dev.conveyor.model.JobSpec;
import dev.conveyor.model.events.JobDispatched;
import dev.conveyor.model.events.JobStaged;
import dev.conveyor.storage.JobSpecs;
import dev.conveyor.storage.ObjectStore;

import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * Makes sure the backend's environment exists (pool, job definition, queue, the backend's job) and
 * saves the engine's initial run state. Tasks are released by monitoring — the one place that
 * submits, watches and stops them — so a job's processes are always started by the instance that
 * watches it. A job dispatched before (a re-delivered event) is not touched again.
 */
public final class DispatchService {
    private final JobDrivers drivers;
    private final JobSpecs specs;
    private final Clock clock;

    public DispatchService(JobDrivers drivers, ObjectStore store, Clock clock) {
        this.drivers = drivers;
        this.specs = new JobSpecs(store);
        this.clock = clock;
    }

    public JobSpec spec(JobStaged event) throws IOException {
        return specs.load(event.specKey(), event.specHash());
    }

    /** What the stage reads with its check (one round trip's wait for both): run state 1, absent until the job is opened. */
    public static List<String> runKeys(JobStaged event) {
        return RunStore.keysFrom(event.jobId(), 0L);
    }

    /**
     * Opens the job's run (resuming a saved one) — the stage has made sure it is neither cancelled
     * nor answered ({@link dev.conveyor.control.CancelRegistry#check}).
     *
     * @param runRead what was read at {@link #runKeys} — when it shows no run state, none is listed; a run state
     *                saved since (another instance, an earlier try of this call) is found when saving and resumed
     * @return what to publish
     * @throws dev.conveyor.compute.ComputeException when the backend refuses or is unavailable
     */
    public JobDispatched dispatch(JobStaged event, JobSpec job, List<Optional<byte[]>> runRead) throws IOException {
        JobDriver driver = drivers.driver(job);
        driver.open(0L, runRead);
        return new JobDispatched(job.id(), event.specKey(), event.specHash(), driver.backend().type(),
                event.request(), clock.instant(), driver.state().version);
    }
}
