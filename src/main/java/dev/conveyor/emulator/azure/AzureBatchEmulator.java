package dev.conveyor.emulator.azure;

import dev.conveyor.emulator.EmulatorHosts;
import dev.conveyor.emulator.OwnedFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local Azure Batch data-plane service (API 2025-06-01, 2024-07-01.20.0 and older) that the official SDKs can talk to:
 * SharedKey auth, pools, jobs, tasks that really run as local processes, task files, resource and output files
 * against blob storage, the service's errors, and injected faults. State lives in memory.
 */
public final class AzureBatchEmulator implements AutoCloseable {
    private final AzureBatchEmulatorOptions options;
    private final HttpFrontend server;
    private final String endpoint;
    private final RequestStats stats = new RequestStats();
    private final ExecutorService httpThreads;
    private final ExecutorService workers;
    private final ExecutorService schedulerThread;
    private final ScheduledExecutorService timers;
    private final BatchState state;
    private final FaultInjector faults;
    /** Made by the emulator (no work dir given): deleted when it stops. */
    private final boolean ownsWorkDir;

    private AzureBatchEmulator(AzureBatchEmulatorOptions options) throws IOException {
        this.options = options;
        this.ownsWorkDir = options.workDir() == null;
        Path workDir = ownsWorkDir ? Files.createTempDirectory("azure-batch-emulator") : options.workDir();
        Files.createDirectories(workDir);
        this.httpThreads = Executors.newCachedThreadPool(daemon("azure-batch-emu-http"));
        this.server = HttpFrontend.listen(options.host(), options.port(), httpThreads);
        this.endpoint = EmulatorHosts.endpoint(options.host(), server.port());
        this.state = new BatchState(endpoint, options.accountName(), workDir.toAbsolutePath());
        this.workers = Executors.newCachedThreadPool(daemon("azure-batch-emu-task"));
        this.schedulerThread = Executors.newSingleThreadExecutor(daemon("azure-batch-emu-scheduler"));
        this.timers = Executors.newScheduledThreadPool(1, daemon("azure-batch-emu-timer"));

        Duration deleteDelay = options.allocationDelay();
        TaskLifecycle taskLifecycle = new TaskLifecycle(state);
        JobLifecycle jobLifecycle = new JobLifecycle(state, taskLifecycle, timers);
        Scheduler scheduler = new Scheduler(state, taskLifecycle, jobLifecycle, schedulerThread);
        TaskRunner runner = new TaskRunner(state, taskLifecycle, new TaskFiles(new BlobTransfer()), workers,
                scheduler::kick, jobLifecycle::terminate);
        scheduler.connect(runner);
        jobLifecycle.connect(runner, scheduler::kick);
        PoolAllocator allocator = new PoolAllocator(state, timers, options.allocationDelay(), scheduler::kick,
                node -> evict(node, taskLifecycle, runner), options.dedicatedNodeQuota(), workers);

        Router router = new Router();
        new PoolHandlers(state, allocator, timers, deleteDelay).register(router);
        new JobHandlers(state, jobLifecycle, scheduler::kick, deleteDelay).register(router);
        new TaskHandlers(state, taskLifecycle, runner, scheduler::kick).register(router);
        new FileHandlers(state).register(router);
        SharedKeyAuthenticator auth = new SharedKeyAuthenticator(options.accountName(), options.accountKey(),
                options.bearerToken());
        this.faults = new FaultInjector(options.faults());
        server.handler(new RequestDispatcher(router, auth, faults, stats, endpoint)::respond);
    }

    /** Starts an emulator; it listens until {@link #close()}. */
    public static AzureBatchEmulator start(AzureBatchEmulatorOptions options) {
        try {
            return new AzureBatchEmulator(options == null ? AzureBatchEmulatorOptions.defaults() : options);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the Azure Batch emulator", e);
        }
    }

    /** The account URL to give the SDK, e.g. {@code http://127.0.0.1:8123}. */
    public String endpoint() {
        return endpoint;
    }

    public String accountName() {
        return options.accountName();
    }

    /** The base64 account key for SharedKey signing. */
    public String accountKey() {
        return options.accountKey();
    }

    /** Where node and task directories live. */
    public Path workDir() {
        return state.workDir;
    }

    /** Requests received per REST operation id (Pool_Add, Task_List, ...); also served at GET /emulator/stats. */
    public Map<String, Long> requestCounts() {
        return stats.snapshot();
    }

    /**
     * Starts ({@code true}) or ends an outage of the service: while it lasts every authenticated request is
     * answered 503 ServerBusy; tasks already running go on, as they do on real Batch.
     */
    public void outage(boolean down) {
        faults.outage(down);
    }

    /** Stops the server, kills every task process still running, and deletes the work dir if it made it. */
    @Override
    public void close() {
        server.close();
        synchronized (state) {
            for (Entities.Job job : state.jobs()) {
                for (Entities.Task task : job.tasks.values()) {
                    Process p = task.process;
                    if (p != null) TaskRunner.kill(p);
                }
            }
        }
        timers.shutdownNow();
        schedulerThread.shutdownNow();
        workers.shutdownNow();
        httpThreads.shutdownNow();
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (ownsWorkDir) {
            OwnedFiles.deleteQuietly(state.workDir);
        }
    }

    /** A node is going away: its tasks are stopped and requeued. Called holding the state lock. */
    private void evict(Entities.Node node, TaskLifecycle lifecycle, TaskRunner runner) {
        for (Entities.Job job : state.jobs()) {
            for (Entities.Task task : job.tasks.values()) {
                if (task.node == node) {
                    runner.stop(task, Entities.StopReason.REQUEUE);
                    lifecycle.requeue(task);
                }
            }
        }
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
