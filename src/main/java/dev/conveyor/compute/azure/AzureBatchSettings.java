package dev.conveyor.compute.azure;

import java.time.Duration;

/**
 * Service-side settings of the {@link AzureBatchComputeBackend} (not per job).
 *
 * @param poolIdleTtl     a pool Conveyor created is deleted after it ran no Conveyor job this long
 * @param requestTimeout  read timeout of one call to the Batch service
 * @param maxChunkTasks   most tasks in one add-task-collection call (Azure: 100)
 * @param maxChunkBytes   estimated body size a chunk stays under (Azure refuses 1 MB and more with
 *                        RequestBodyTooLarge; a refused chunk is split in two and each half sent again)
 * @param fullRefresh     even when a Batch job's task counts did not move, its tasks are listed at
 *                        least this often (task counts may lag behind on the real service)
 * @param sweepInterval   how often pools are checked for idleness (0 = only when asked)
 */
public record AzureBatchSettings(Duration poolIdleTtl, Duration requestTimeout, int maxChunkTasks, int maxChunkBytes,
                                 Duration fullRefresh, Duration sweepInterval) {
    public static final AzureBatchSettings DEFAULT = new AzureBatchSettings(Duration.ofMinutes(30), Duration.ofSeconds(60),
            100, 900_000, Duration.ofSeconds(60), Duration.ofMinutes(1));

    public AzureBatchSettings {
        if (maxChunkTasks < 1 || maxChunkTasks > 100 || maxChunkBytes < 1024) {
            throw new IllegalArgumentException("maxChunkTasks must be 1..100 and maxChunkBytes at least 1024");
        }
    }

    public AzureBatchSettings withPoolIdleTtl(Duration ttl) {
        return new AzureBatchSettings(ttl, requestTimeout, maxChunkTasks, maxChunkBytes, fullRefresh, sweepInterval);
    }

    public AzureBatchSettings withRequestTimeout(Duration timeout) {
        return new AzureBatchSettings(poolIdleTtl, timeout, maxChunkTasks, maxChunkBytes, fullRefresh, sweepInterval);
    }

    public AzureBatchSettings withMaxChunkBytes(int bytes) {
        return new AzureBatchSettings(poolIdleTtl, requestTimeout, maxChunkTasks, bytes, fullRefresh, sweepInterval);
    }

    public AzureBatchSettings withSweepInterval(Duration every) {
        return new AzureBatchSettings(poolIdleTtl, requestTimeout, maxChunkTasks, maxChunkBytes, fullRefresh, every);
    }
}
