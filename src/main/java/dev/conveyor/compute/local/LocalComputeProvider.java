package dev.conveyor.compute.local;

import dev.conveyor.compute.ComputeJob;
import dev.conveyor.compute.ComputeProvider;
import dev.conveyor.compute.TaskStatus;
import dev.conveyor.storage.ObjectStore;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The {@code local} compute provider: each task runs as a local process (in its own process
 * group), at most {@code slots} at once. All state lives under {@code dataDir/jobs/<jobId>/}, so a
 * new instance on the same directory picks up where a dead one stopped: it adopts processes still
 * running, finishes those that ended, and retries (or fails) those that vanished.
 * <p>
 * {@link #close()} stops the scheduler thread but leaves task processes running, to be adopted.
 */
public final class LocalComputeProvider implements ComputeProvider, AutoCloseable {
    private final LocalOptions options;
    private final ScheduledExecutorService executor;
    private final LocalScheduler scheduler;

    public LocalComputeProvider(Path dataDir, ObjectStore store, int slots) {
        this(new LocalOptions(dataDir, slots), store);
    }

    public LocalComputeProvider(LocalOptions options, ObjectStore store) {
        this.options = options;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "conveyor-local-scheduler");
            t.setDaemon(true);
            return t;
        });
        this.scheduler = new LocalScheduler(options, store, this::wake);
        long tick = options.tick().toMillis();
        executor.scheduleWithFixedDelay(this::tick, tick, tick, TimeUnit.MILLISECONDS);
    }

    /** A periodic task that throws is never run again: never let anything escape. */
    private void tick() {
        try {
            scheduler.tick();
        } catch (Throwable t) {
            System.getLogger(LocalComputeProvider.class.getName()).log(System.Logger.Level.ERROR, "scheduler tick failed", t);
        }
    }

    private void wake() {
        try {
            executor.execute(this::tick);
        } catch (RejectedExecutionException e) {
            // closed: nothing more to schedule
        }
    }

    @Override
    public String type() {
        return "local";
    }

    @Override
    public void prepare(ComputeJob job) {
        // nothing to prepare: the machine is the compute environment
    }

    @Override
    public void submit(ComputeJob job) {
        scheduler.submit(job);
    }

    @Override
    public List<TaskStatus> poll(ComputeJob job) {
        return scheduler.poll(job.jobId());
    }

    /** Stops running process trees (SIGTERM, SIGKILL after the grace period) and waits for them to be recorded. */
    @Override
    public void cancel(ComputeJob job, String reason) {
        scheduler.cancel(job.jobId(), reason, options.killGrace().toMillis() + 10_000);
    }

    @Override
    public void cleanup(ComputeJob job) {
        scheduler.cleanup(job.jobId());
    }

    /** Stops the scheduler thread; task processes keep running (a new instance adopts them). */
    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
