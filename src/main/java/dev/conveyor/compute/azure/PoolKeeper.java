package dev.conveyor.compute.azure;

import dev.conveyor.compute.Rechecked;
import dev.conveyor.compute.TerminalComputeException;
import dev.conveyor.compute.TransientComputeException;
import dev.conveyor.compute.azure.BatchTypes.JobInfo;
import dev.conveyor.compute.azure.BatchTypes.PoolInfo;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Pools: a pool that exists is used as it is — never resized, changed or deleted unless Conveyor
 * created it; a missing one is created from the job's options, tolerating {@code PoolExists} from a
 * concurrent creator, and tagged ({@value #CREATED_BY}); a tagged pool that ran no active job for
 * the idle TTL is deleted; one that went while a job waited on it is created again ({@link #restore}). Resize errors
 * of a pool in use (a stale {@code AllocationTimedout}) do not fail jobs while it has nodes ({@link BulkMonitor} judges
 * a pool that has none).
 */
final class PoolKeeper {
    private static final Logger LOG = Logger.getLogger(PoolKeeper.class);
    /** Metadata on every pool Conveyor created (the only pools it ever deletes). */
    static final String CREATED_BY = "conveyor-created-pool";

    /** How long a pool seen (or created) stands before a job on it has it asked for again. */
    static final Duration RECHECK = Duration.ofSeconds(30);

    private final Duration idleTtl;
    private final Clock clock;
    private final Map<String, Instant> idleSince = new ConcurrentHashMap<>();
    /** Whether each pool seen ({@code <account url>|<pool>}) runs containers. */
    private final Rechecked<Boolean> present;

    PoolKeeper(Duration idleTtl, Clock clock) {
        this.idleTtl = idleTtl;
        this.clock = clock;
        this.present = new Rechecked<>(RECHECK, clock);
    }

    /**
     * The pool the job runs on, created when missing. Answers whether the pool runs containers. Asked at most once per
     * pool every {@link #RECHECK} (a burst of jobs on one pool makes one Pool_Get, not one each): a pool another
     * instance's idle sweep deletes meanwhile is created again by monitoring ({@link #restore}) if a job waits on it.
     */
    boolean ensure(AzureBatchApi api, AzureBatchOptions options, String poolId) {
        String key = key(api, poolId);
        idleSince.remove(key);
        return present.get(key, () -> lookUp(api, options, poolId));
    }

    private boolean lookUp(AzureBatchApi api, AzureBatchOptions options, String poolId) {
        PoolInfo pool = api.pool(poolId);
        if (pool != null && "deleting".equalsIgnoreCase(pool.state())) { // thrown: not kept, the next job asks again
            throw new TransientComputeException("pool " + poolId + " is being deleted; it is created again once it is gone", null);
        }
        if (pool != null) {
            if (!pool.resizeErrors().isEmpty()) {
                LOG.infof("pool %s has resize errors (%s); using it anyway", poolId, String.join("; ", pool.resizeErrors()));
            }
            return pool.containers();
        }
        boolean created = create(api, options, poolId);
        LOG.infof(created ? "created pool %s (%s)" : "pool %s was created by another instance meanwhile", poolId, options.vmSize());
        return options.containerImages().size() > 0 || options.containerRegistry() != null;
    }

    /**
     * Creates again, from the options of a job that waits on it, a pool that is gone (deleted by hand, or by an idle
     * sweep that raced the job's dispatch): a Batch job on a missing pool runs nothing, and Azure keeps it waiting.
     * Answers why it cannot be, or null (created, by this instance or another; or a failure that passes: tried again
     * when the pool is next looked at).
     */
    String restore(AzureBatchApi api, AzureBatchOptions options, String poolId) {
        present.forget(key(api, poolId));
        try {
            boolean created = create(api, options, poolId);
            LOG.infof(created ? "pool %s was gone while a job waited on it: created again (%s)"
                    : "pool %s was gone while a job waited on it: another instance created it again", poolId,
                    options.vmSize());
            return null;
        } catch (TerminalComputeException e) {
            return "PoolBeingDeleted".equals(e.code()) ? null
                    : "pool " + poolId + " is gone and could not be created again: " + e.getMessage();
        } catch (TransientComputeException e) {
            LOG.infof("pool %s was gone while a job waited on it; creating it again failed for now: %s", poolId,
                    e.getMessage());
            return null;
        }
    }

    private boolean create(AzureBatchApi api, AzureBatchOptions options, String poolId) {
        return api.createPool(options.poolSpec(poolId, Map.of(CREATED_BY, clock.instant().toString())));
    }

    private static String key(AzureBatchApi api, String poolId) {
        return api.url() + "|" + poolId;
    }

    /**
     * Deletes the pools Conveyor created that ran no active Batch job for the idle TTL. Answers the
     * ids of the pools deleted.
     */
    Set<String> sweep(AzureBatchApi api) {
        List<PoolInfo> ours = api.poolsTagged(CREATED_BY);
        if (ours.isEmpty()) {
            return Set.of();
        }
        List<JobInfo> jobs = api.jobs();
        Instant now = clock.instant();
        Set<String> deleted = new java.util.TreeSet<>();
        for (PoolInfo p : ours) {
            String key = key(api, p.id());
            if ("deleting".equalsIgnoreCase(p.state())) {
                idleSince.remove(key);
                continue;
            }
            boolean busy = jobs.stream().anyMatch(j -> p.id().equals(j.poolId())
                    && !"completed".equalsIgnoreCase(j.state()) && !"deleting".equalsIgnoreCase(j.state()));
            if (busy) {
                idleSince.remove(key);
                continue;
            }
            Instant since = idleSince.computeIfAbsent(key, k -> now);
            if (!now.isBefore(since.plus(idleTtl))) {
                api.deletePool(p.id());
                idleSince.remove(key);
                present.forget(key);
                deleted.add(p.id());
                LOG.infof("deleted pool %s: created by Conveyor, idle since %s", p.id(), since);
            }
        }
        return deleted;
    }
}
