package dev.conveyor.compute.azure;

import com.microsoft.azure.batch.protocol.BatchServiceClient;
import dev.conveyor.compute.ComputeException;
import dev.conveyor.compute.azure.BatchTypes.AddResult;
import dev.conveyor.compute.azure.BatchTypes.Counts;
import dev.conveyor.compute.azure.BatchTypes.JobInfo;
import dev.conveyor.compute.azure.BatchTypes.PoolInfo;
import dev.conveyor.compute.azure.BatchTypes.TaskInfo;
import dev.conveyor.credentials.AzureAccount;

import java.time.Duration;
import java.util.List;

/**
 * The backend's one entry to the Azure Batch SDK ({@code com.microsoft.azure:azure-batch:11.2.0},
 * which speaks api-version 2024-07-01.20.0). Every SDK call lives behind this facade, in it and the
 * package-private classes it delegates to — {@link BatchClients} (client and credentials),
 * {@link BatchPools}, {@link BatchJobs}, {@link BatchTasks}, {@link BatchCalls} (SDK errors to typed
 * exceptions) and {@link SdkValues} (SDK value types) — and nowhere else: moving to
 * {@code com.azure:azure-compute-batch} (api-version 2025-06-01) is rewriting those classes only.
 * It speaks {@link BatchTypes} records to the rest of the backend and throws only typed
 * {@link ComputeException}s: 429/5xx/408 and I/O failures transient (with the service's
 * Retry-After), everything else terminal with the service's error code. The SDK's own retry handler
 * is switched off, so every retry goes through the backend's {@code CallPolicy}.
 */
final class AzureBatchApi implements AutoCloseable {
    /** What the adapter speaks, for docs and logs. */
    static final String API_VERSION = "2024-07-01.20.0";

    private final String url;
    private final BatchPools pools;
    private final BatchJobs jobs;
    private final BatchTasks tasks;

    private AzureBatchApi(BatchServiceClient client, String url) {
        this.url = url;
        BatchCalls calls = new BatchCalls(url);
        this.pools = new BatchPools(client, calls);
        this.jobs = new BatchJobs(client, calls);
        this.tasks = new BatchTasks(client, calls);
    }

    /** A client for the account: shared key when the profile has one, else Entra ID (service principal or managed identity). */
    static AzureBatchApi connect(AzureAccount account, Duration timeout) {
        return new AzureBatchApi(BatchClients.open(account, timeout), account.batchAccountUrl());
    }

    String url() {
        return url;
    }

    // ---- pools

    /** The pool, or null when there is none by that id. */
    PoolInfo pool(String id) {
        return pools.pool(id);
    }

    /** The pool's nodes and their states. */
    List<BatchTypes.NodeInfo> poolNodes(String poolId) {
        return pools.nodes(poolId);
    }

    /** Creates the pool; false when it exists already (a concurrent creator won: {@code PoolExists}). */
    boolean createPool(BatchTypes.PoolSpec p) {
        return pools.createPool(p);
    }

    /** Every pool carrying metadata {@code key} (one paged list, {@code $select}ed). */
    List<PoolInfo> poolsTagged(String key) {
        return pools.poolsTagged(key);
    }

    /** Deletes the pool; already gone or going is fine. */
    void deletePool(String id) {
        pools.deletePool(id);
    }

    // ---- jobs

    /** Creates the Batch job; false when it exists already (a repeated ensure). */
    boolean createJob(BatchTypes.JobSpec j) {
        return jobs.createJob(j);
    }

    /** Every Batch job of the account ({@code $select}ed to id, state, pool and metadata; paged). */
    List<JobInfo> jobs() {
        return jobs.jobs();
    }

    /** Terminates the Batch job (running tasks end, waiting ones never start); done or gone already is fine. */
    void terminateJob(String id, String reason) {
        jobs.terminateJob(id, reason);
    }

    /** Deletes the Batch job and its tasks; gone already is fine. */
    void deleteJob(String id) {
        jobs.deleteJob(id);
    }

    /** Task counts of the Batch job, or null when the job is gone. */
    Counts taskCounts(String jobId) {
        return jobs.taskCounts(jobId);
    }

    // ---- tasks

    /**
     * One add-task-collection call (≤ 100 tasks). Throws {@link BodyTooLarge} when the service says
     * the body is over its limit (the caller splits), a typed exception for any other failure of
     * the call; per-task failures come back in the results.
     */
    List<AddResult> addTasks(String jobId, List<BatchTypes.TaskSpec> tasks) {
        return this.tasks.addTasks(jobId, tasks);
    }

    /** The tasks of the job ({@code $select}ed, paged by 1000), only those matching {@code filter} when given. */
    List<TaskInfo> listTasks(String jobId, String filter) {
        return tasks.listTasks(jobId, filter);
    }

    /** Terminates one task; completed or gone already is fine. */
    void terminateTask(String jobId, String taskId) {
        tasks.terminateTask(jobId, taskId);
    }

    /** The cheapest call that proves the account and credentials work: one pool, id only. */
    void check() {
        pools.check();
    }

    @Override
    public void close() {
        // the OkHttp client's threads are daemons; nothing to release
    }

    /** The service refused an add-collection body as too large (413 RequestBodyTooLarge): split it. */
    static final class BodyTooLarge extends RuntimeException {
        BodyTooLarge() {
            super("RequestBodyTooLarge", null, false, false);
        }
    }
}
