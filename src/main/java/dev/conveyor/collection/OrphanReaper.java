package dev.conveyor.collection;

import dev.conveyor.compute.ComputeBackend;
import dev.conveyor.engine.JobDrivers;
import dev.conveyor.engine.RunState;
import dev.conveyor.engine.RunStore;
import dev.conveyor.model.JobSpec;
import dev.conveyor.storage.JobKeys;
import dev.conveyor.storage.JobSpecs;
import dev.conveyor.storage.ObjectStore;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.util.Map;
import java.util.Set;

/**
 * Releases what backends still hold for jobs nothing drives any more: jobs that already have their
 * result (a clean-up that failed, a crash between publishing and releasing) and jobs no accepted
 * request owns (left by a foreign or long-gone deployment). Runs where collection runs, at start-up
 * and then periodically; every step is idempotent, so two reapers never harm each other.
 */
public final class OrphanReaper {
    private static final Logger LOG = Logger.getLogger(OrphanReaper.class);

    private final JobDrivers drivers;
    private final ObjectStore store;
    private final JobSpecs specs;
    private final RunStore runs;

    public OrphanReaper(JobDrivers drivers, ObjectStore store) {
        this.drivers = drivers;
        this.store = store;
        this.specs = new JobSpecs(store);
        this.runs = new RunStore(store);
    }

    /** One pass over every backend; returns how many jobs were released. */
    public int reap() {
        int released = 0;
        for (ComputeBackend backend : drivers.backends().all()) {
            Set<String> held;
            try {
                held = backend.jobsHeld();
            } catch (RuntimeException e) {
                LOG.warnf("cannot list what %s holds: %s", backend.type(), e.getMessage());
                continue;
            }
            for (String jobId : held) {
                try {
                    if (orphaned(jobId)) {
                        JobSpec spec = specOf(jobId);
                        Map<String, String> env = runs.latest(jobId).map(s -> s.environment).orElse(Map.of());
                        drivers.releaseOrphan(backend, jobId, spec, env);
                        released++;
                        LOG.infof("released orphaned job %s on %s", jobId, backend.type());
                    }
                } catch (IOException | RuntimeException e) {
                    LOG.warnf("cannot reap job %s on %s (will try again): %s", jobId, backend.type(), e.getMessage());
                }
            }
        }
        return released;
    }

    /** It has its result, or no accepted request and no run state owns it. */
    private boolean orphaned(String jobId) throws IOException {
        if (store.read(JobKeys.result(jobId), ObjectStore.MAX_DOCUMENT_BYTES).isPresent()) {
            return true;
        }
        boolean accepted = store.read(JobKeys.accepted(jobId), 4096).isPresent();
        return !accepted && runs.latest(jobId).map(RunState::ended).orElse(true);
    }

    /** The job's spec when the store still has it (its options and profile), else null. */
    private JobSpec specOf(String jobId) {
        try {
            return specs.load(JobKeys.spec(jobId), null);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
