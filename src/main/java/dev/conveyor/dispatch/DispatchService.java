package dev.conveyor.dispatch;

import dev.conveyor.engine.JobDriver;
import dev.conveyor.engine.JobDrivers;
import dev.conveyor.model.JobSpec;
import dev.conveyor.model.events.JobDispatched;
import dev.conveyor.model.events.JobStaged;
import dev.conveyor.storage.JobKeys;
import dev.conveyor.storage.JobSpecs;
import dev.conveyor.storage.ObjectStore;

import java.io.IOException;
import java.time.Clock;
import java.util.Optional;

/**
 * Makes sure the backend's environment exists, saves the engine's initial run state and submits
 * the tasks that are ready from the start. A job that was dispatched before (a re-delivered event,
 * or one already taken over by monitoring) is not touched again: its saved run state says so.
 */
public final class DispatchService {
    private final JobDrivers drivers;
    private final ObjectStore store;
    private final JobSpecs specs;
    private final Clock clock;

    public DispatchService(JobDrivers drivers, ObjectStore store, Clock clock) {
        this.drivers = drivers;
        this.store = store;
        this.specs = new JobSpecs(store);
        this.clock = clock;
    }

    public JobSpec spec(JobStaged event) throws IOException {
        return specs.load(event.specKey(), event.specHash());
    }

    /**
     * @return what to publish, or empty for a job that already has its result
     * @throws dev.conveyor.compute.ComputeException when the backend refuses or is unavailable
     */
    public Optional<JobDispatched> dispatch(JobStaged event, JobSpec job, String cancelReason) throws IOException {
        if (store.read(JobKeys.result(job.id()), ObjectStore.MAX_DOCUMENT_BYTES).isPresent()) {
            return Optional.empty();
        }
        JobDriver driver = drivers.driver(job);
        boolean known = driver.open();
        if (!known) {
            driver.advance(java.util.Map.of(), cancelReason);
        }
        return Optional.of(new JobDispatched(job.id(), event.specKey(), event.specHash(), driver.backend().type(),
                event.request(), clock.instant()));
    }
}
