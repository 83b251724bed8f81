package dev.conveyor.compute.azure;

import dev.conveyor.compute.BackendJob;
import dev.conveyor.compute.Capabilities;
import dev.conveyor.compute.ComputeBackend;
import dev.conveyor.compute.TaskFiles;
import dev.conveyor.compute.TaskHandle;
import dev.conveyor.compute.TaskLaunch;
import dev.conveyor.compute.TaskObservation;
import dev.conveyor.compute.TerminalComputeException;
import dev.conveyor.compute.TransientComputeException;
import dev.conveyor.compute.azure.BatchTypes.AddResult;
import dev.conveyor.compute.azure.BatchTypes.JobInfo;
import dev.conveyor.compute.azure.BatchTypes.TaskInfo;
import dev.conveyor.compute.azure.BatchTypes.TaskSpec;
import dev.conveyor.credentials.AzureAccount;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The {@code azure-batch} backend: one Batch job per Conveyor job on a pool used or created by
 * {@link PoolKeeper}; ready attempts added with add-task-collection in chunks (≤ 100 tasks, under
 * 1 MB, split on RequestBodyTooLarge, the same task ids when repeated); the task wrapper as the
 * command line, its files placed as resource files and its logs, values and outputs returned as
 * output files on task completion (so they survive a node going away); described in bulk by
 * {@link BulkMonitor}. Every SDK call is behind {@link AzureBatchApi}; retries, backoff, Retry-After
 * and pacing are the engine's {@code CallPolicy} around each SPI call.
 *
 * <p>A handle's ref is {@code <account key>/<Batch job>/<Batch task>}: the account key is a hash of
 * the account's URL and name (no secret), resolved to a client through the accounts this instance
 * knows — every profile's, and every account a job it has seen named.
 */
public final class AzureBatchComputeBackend implements ComputeBackend, AutoCloseable {
    public static final String TYPE = "azure-batch";
    /** Metadata on every Batch job Conveyor created: the Conveyor job id (for the orphan reaper). */
    static final String JOB_TAG = "conveyor-job-id";
    static final String ENV_ACCOUNT = "azure.account";
    static final String ENV_POOL = "azure.pool";
    static final String ENV_JOB = "azure.job";
    static final String ENV_CONTAINERS = "azure.containers";
    /** Where the wrapper leaves what goes back (outputFiles collect it). */
    static final String RETURN_PATTERN = TaskFiles.RETURN_DIR + "/**/*";
    private static final Logger LOG = Logger.getLogger(AzureBatchComputeBackend.class);

    private final AzureBatchSettings settings;
    private final Clock clock;
    private final Map<String, AzureAccount> accounts = new ConcurrentHashMap<>();
    private final Map<String, AzureBatchApi> apis = new ConcurrentHashMap<>();
    private final BulkMonitor monitor;
    private final PoolKeeper pools;
    private final ScheduledExecutorService sweeper;

    private final AzureAccount defaultAccount;

    /**
     * @param known          accounts of the service's profiles (those with a Batch account URL)
     * @param defaultAccount the account of a job whose profile and options name none (the {@code default}
     *                       profile's), or null
     */
    public AzureBatchComputeBackend(AzureBatchSettings settings, Collection<AzureAccount> known, AzureAccount defaultAccount,
                                    Clock clock) {
        this.settings = settings;
        this.defaultAccount = defaultAccount;
        if (defaultAccount != null) {
            register(defaultAccount);
        }
        this.clock = clock;
        this.pools = new PoolKeeper(settings.poolIdleTtl(), clock);
        this.monitor = new BulkMonitor(settings.fullRefresh(), pools, clock);
        known.stream().filter(a -> a.batchAccountUrl() != null).forEach(this::register);
        if (settings.sweepInterval().isZero()) {
            this.sweeper = null;
        } else {
            this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "conveyor-azure-pools");
                t.setDaemon(true);
                return t;
            });
            long every = settings.sweepInterval().toMillis();
            sweeper.scheduleWithFixedDelay(this::sweepQuietly, every, every, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Capabilities capabilities() {
        // native files: resource files in, output files back; no array jobs; the backend chunks what it gets
        return new Capabilities(true, true, 0, 1000, true, true);
    }

    @Override
    public Map<String, String> ensureEnvironment(BackendJob job) {
        AzureBatchOptions options = AzureBatchOptions.of(job);
        String account = register(options.account());
        AzureBatchApi api = api(account);
        String poolId = options.poolIdOrDefault();
        boolean containers = pools.ensure(api, options, poolId);
        String batchJob = AzureIds.job(job.jobId());
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(JOB_TAG, job.jobId());
        job.labels().forEach((k, v) -> metadata.put("label-" + k, v)); // cost tags
        boolean created = api.createJob(new BatchTypes.JobSpec(batchJob, poolId, options.priority(),
                jobWallClock(job, options), metadata));
        LOG.debugf("job %s: Batch job %s on pool %s (%s)", job.jobId(), batchJob, poolId, created ? "created" : "existed");
        monitor.onPool(account, batchJob, poolId, options);
        return Map.of(ENV_ACCOUNT, account, ENV_POOL, poolId, ENV_JOB, batchJob, ENV_CONTAINERS, Boolean.toString(containers));
    }

    /** The job's own limit when set, else its deadline plus a margin (the engine stops it first and says why). */
    private Duration jobWallClock(BackendJob job, AzureBatchOptions options) {
        if (options.jobMaxWallClock() != null) {
            return options.jobMaxWallClock();
        }
        if (job.deadline() == null) {
            return null;
        }
        Duration left = Duration.between(clock.instant(), job.deadline());
        return (left.isNegative() ? Duration.ZERO : left).plus(Duration.ofMinutes(10));
    }

    @Override
    public void resume(BackendJob job) {
        try {
            AzureBatchOptions options = AzureBatchOptions.of(job);
            String account = register(options.account());
            monitor.onPool(account, batchJob(job), job.environment().get(ENV_POOL), options);
        } catch (RuntimeException e) { // options that no longer resolve: the next call on the job says why
            LOG.debugf("job %s: cannot resume its account yet: %s", job.jobId(), e.getMessage());
        }
    }

    @Override
    public List<TaskHandle> submit(BackendJob job, List<TaskLaunch> launches) {
        AzureBatchOptions options = AzureBatchOptions.of(job);
        String account = accountOf(job, options);
        String batchJob = batchJob(job);
        monitor.onPool(account, batchJob, job.environment().get(ENV_POOL), options);
        boolean containers = Boolean.parseBoolean(job.environment().getOrDefault(ENV_CONTAINERS, "false"));
        List<TaskSpec> tasks = new ArrayList<>(launches.size());
        for (TaskLaunch l : launches) {
            tasks.add(TaskSpecs.of(l, options, containers));
        }
        Set<String> unsent = add(job, api(account), batchJob, tasks);
        List<TaskHandle> out = new ArrayList<>(launches.size());
        for (int i = 0; i < launches.size(); i++) {
            TaskLaunch l = launches.get(i);
            String id = tasks.get(i).id();
            out.add(unsent.contains(id) ? null : new TaskHandle(TYPE, job.jobId(), l.taskId(), l.attempt(), account + "/" + batchJob + "/" + id));
        }
        return out;
    }

    /**
     * Adds in chunks of ≤ maxChunkTasks and under maxChunkBytes; a task the service already has counts as added.
     * Returns the ids of the tasks not sent: their chunk's turn came after the job's submit window closed.
     */
    private Set<String> add(BackendJob job, AzureBatchApi api, String batchJob, List<TaskSpec> tasks) {
        List<List<TaskSpec>> chunks = new ArrayList<>();
        List<TaskSpec> chunk = new ArrayList<>();
        int bytes = 0;
        for (TaskSpec t : tasks) {
            int size = t.estimatedBytes();
            if (!chunk.isEmpty() && (chunk.size() >= settings.maxChunkTasks() || bytes + size >= settings.maxChunkBytes())) {
                chunks.add(chunk);
                chunk = new ArrayList<>();
                bytes = 0;
            }
            chunk.add(t);
            bytes += size;
        }
        if (!chunk.isEmpty()) {
            chunks.add(chunk);
        }
        List<String> retry = new ArrayList<>();
        Set<String> unsent = new TreeSet<>();
        for (List<TaskSpec> c : chunks) {
            if (job.maySubmit()) {
                addChunk(api, batchJob, c, retry);
            } else {
                c.forEach(t -> unsent.add(t.id()));
            }
        }
        if (!retry.isEmpty()) { // the whole submit is repeated by the policy: added ones answer TaskExists
            throw new TransientComputeException("the Batch service failed to add " + retry.size() + " task(s) for now ("
                    + String.join(", ", retry.subList(0, Math.min(5, retry.size()))) + ")", null);
        }
        return unsent;
    }

    private void addChunk(AzureBatchApi api, String batchJob, List<TaskSpec> chunk, List<String> retry) {
        List<AddResult> results;
        try {
            results = api.addTasks(batchJob, chunk);
        } catch (AzureBatchApi.BodyTooLarge e) {
            if (chunk.size() == 1) {
                throw new TerminalComputeException("RequestBodyTooLarge", "task " + chunk.get(0).id()
                        + " alone is over the Batch service's 1 MB request limit (environment or files too large)", null);
            }
            int half = chunk.size() / 2;
            LOG.debugf("add-task-collection of %d tasks was too large: split in two", chunk.size());
            addChunk(api, batchJob, chunk.subList(0, half), retry);
            addChunk(api, batchJob, chunk.subList(half, chunk.size()), retry);
            return;
        }
        for (AddResult r : results) {
            if (r.added() || "TaskExists".equals(r.code())) {
                continue;
            }
            if (r.serverError()) {
                retry.add(r.taskId() + ": " + r.code());
            } else {
                throw new TerminalComputeException(r.code(), "the Batch service refused task " + r.taskId() + ": " + r.code()
                        + (r.message() == null ? "" : " — " + r.message()), null);
            }
        }
    }

    @Override
    public Map<String, TaskHandle> recover(BackendJob job, List<TaskLaunch> launches) {
        AzureBatchOptions options = AzureBatchOptions.of(job);
        String account = accountOf(job, options);
        String batchJob = batchJob(job);
        Set<String> present = new TreeSet<>();
        for (TaskInfo t : api(account).listTasks(batchJob, null)) {
            present.add(t.id());
        }
        Map<String, TaskHandle> found = new LinkedHashMap<>();
        for (TaskLaunch l : launches) {
            String id = AzureIds.task(l.taskId(), l.attempt());
            if (present.contains(id)) {
                found.put(l.submissionId(), new TaskHandle(TYPE, job.jobId(), l.taskId(), l.attempt(), account + "/" + batchJob + "/" + id));
            }
        }
        return found;
    }

    @Override
    public Map<TaskHandle, TaskObservation> describe(List<TaskHandle> handles) {
        return monitor.describe(handles, this::apiOrNull);
    }

    /**
     * A stop of the whole job (cancel, job time limit) terminates the Batch job: running tasks end,
     * waiting ones never start, in one call. Any other stop terminates the tasks named.
     */
    @Override
    public void terminate(BackendJob job, List<TaskHandle> handles, String reason) {
        if (handles.isEmpty()) {
            return;
        }
        String account = accountOf(job, null);
        AzureBatchApi api = api(account);
        if (reason != null && (reason.startsWith("cancelled") || reason.startsWith("job timed out"))) {
            api.terminateJob(batchJob(job), reason.startsWith("cancelled") ? "ConveyorCancelled" : "ConveyorTimedOut");
            return;
        }
        for (TaskHandle h : handles) {
            BulkMonitor.Ref r = BulkMonitor.Ref.parse(h.ref());
            api.terminateTask(r.job(), r.task());
        }
    }

    /** Deletes the Batch job (and its tasks): the account's active-job quota never fills with finished jobs. */
    @Override
    public void release(BackendJob job) {
        String account = accountOf(job, null);
        String batchJob = batchJob(job);
        api(account).deleteJob(batchJob);
        monitor.forget(account, batchJob);
    }

    /** Conveyor job ids of the Batch jobs tagged by Conveyor, in every account this instance knows. */
    @Override
    public Set<String> jobsHeld() {
        Set<String> held = new TreeSet<>();
        for (Map.Entry<String, AzureAccount> a : accounts.entrySet()) {
            for (JobInfo j : api(a.getKey()).jobs()) {
                String id = j.metadata().get(JOB_TAG);
                if (id != null && !"deleting".equalsIgnoreCase(j.state())) {
                    held.add(id);
                    heldIn.put(id, a.getKey());
                }
            }
        }
        return held;
    }

    private final Map<String, String> heldIn = new ConcurrentHashMap<>();

    @Override
    public void check() {
        for (String account : accounts.keySet()) {
            api(account).check();
        }
    }

    /** Deletes idle pools Conveyor created, in every known account; answers their ids. */
    public Set<String> sweepPools() {
        Set<String> deleted = new TreeSet<>();
        for (String account : accounts.keySet()) {
            deleted.addAll(pools.sweep(api(account)));
        }
        return deleted;
    }

    private void sweepQuietly() {
        try {
            sweepPools();
        } catch (RuntimeException e) {
            LOG.warnf("checking pools for idleness failed (tried again later): %s", e.getMessage());
        }
    }

    // ---- accounts

    private String register(AzureAccount given) {
        AzureAccount account = given.batchAccountUrl() == null && defaultAccount != null ? defaultAccount : given;
        if (account.batchAccountUrl() == null) {
            throw new TerminalComputeException("MissingOption", "no Azure Batch account: set batch_account_url (and "
                    + "batch_account_name + batch_account_key, or an Entra ID identity) in the profile or runsOn.with", null);
        }
        String key = AzureIds.hash(account.batchAccountUrl() + "|" + account.batchAccountName() + "|" + account.clientId());
        AzureAccount before = accounts.put(key, account);
        if (before != null && !before.equals(account)) {
            AzureBatchApi stale = apis.remove(key); // rotated credentials
            if (stale != null) {
                stale.close();
            }
        }
        return key;
    }

    private String accountOf(BackendJob job, AzureBatchOptions options) {
        String key = job.environment().get(ENV_ACCOUNT);
        if (key == null) {
            key = heldIn.get(job.jobId());
        }
        if (key == null || !accounts.containsKey(key)) {
            key = register((options != null ? options : AzureBatchOptions.of(job)).account());
        }
        return key;
    }

    private static String batchJob(BackendJob job) {
        return job.environment().getOrDefault(ENV_JOB, AzureIds.job(job.jobId()));
    }

    private AzureBatchApi api(String key) {
        AzureBatchApi api = apiOrNull(key);
        if (api == null) {
            throw new TerminalComputeException("UnknownAccount", "no Azure Batch account known by key " + key, null);
        }
        return api;
    }

    private AzureBatchApi apiOrNull(String key) {
        AzureAccount a = accounts.get(key);
        return a == null ? null : apis.computeIfAbsent(key, k -> AzureBatchApi.connect(a, settings.requestTimeout()));
    }

    @Override
    public void close() {
        if (sweeper != null) {
            sweeper.shutdownNow();
        }
        apis.values().forEach(AzureBatchApi::close);
    }
}
