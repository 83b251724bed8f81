package dev.conveyor.compute.azure;

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
 * the idle TTL is deleted. Resize errors of a pool in use (a stale {@code AllocationTimedout}) do not
 * fail jobs: autoscale or the service may still bring nodes, and the job's time limit bounds the wait.
 */
final class PoolKeeper {
    private static final Logger LOG = Logger.getLogger(PoolKeeper.class);
    /** Metadata on every pool Conveyor created (the only pools it ever deletes). */
    static final String CREATED_BY = "conveyor-created-pool";

    private final Duration idleTtl;
    private final Clock clock;
    private final Map<String, Instant> idleSince = new ConcurrentHashMap<>();

    PoolKeeper(Duration idleTtl, Clock clock) {
        this.idleTtl = idleTtl;
        this.clock = clock;
    }

    /** The pool the job runs on, created when missing. Answers whether the pool runs containers. */
    boolean ensure(AzureBatchApi api, AzureBatchOptions options, String poolId) {
        PoolInfo pool = api.pool(poolId);
        if (pool != null && "deleting".equalsIgnoreCase(pool.state())) {
            throw new TransientComputeException("pool " + poolId + " is being deleted; it is created again once it is gone", null);
        }
        idleSince.remove(api.url() + "|" + poolId);
        if (pool != null) {
            if (!pool.resizeErrors().isEmpty()) {
                LOG.infof("pool %s has resize errors (%s); using it anyway", poolId, String.join("; ", pool.resizeErrors()));
            }
            return pool.containers();
        }
        boolean created = api.createPool(options.poolSpec(poolId, Map.of(CREATED_BY, clock.instant().toString())));
        LOG.infof(created ? "created pool %s (%s)" : "pool %s was created by another instance meanwhile", poolId, options.vmSize());
        return options.containerImages().size() > 0 || options.containerRegistry() != null;
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
            String key = api.url() + "|" + p.id();
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
                deleted.add(p.id());
                LOG.infof("deleted pool %s: created by Conveyor, idle since %s", p.id(), since);
            }
        }
        return deleted;
    }
}
