package dev.conveyor.emulator.aws;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The job state machine: SUBMITTED → PENDING (dependencies) → RUNNABLE → STARTING (vCPUs reserved on a
 * compute environment) → RUNNING (process started) → SUCCEEDED / FAILED, with retries back to RUNNABLE.
 * One scheduler thread advances every job by at most one step per pass; all state is guarded by {@link #lock()}.
 */
final class JobEngine implements AutoCloseable {

    static final String EXITED = "Essential container in task exited";
    static final String TIMED_OUT = "Job attempt duration exceeded timeout";
    static final String DEPENDENCY_FAILED = "Dependent Job failed";
    static final String CHILD_FAILED = "Array Child Job failed";

    private final Object lock = new Object();
    private final Map<String, BatchJob> jobs = new LinkedHashMap<>();
    private final Map<String, Integer> queuePriority = new HashMap<>();
    private final AwsBatchEmulatorOptions options;
    private final Arns arns;
    private final ComputeCatalog catalog;
    private final AttemptLauncher launcher;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "aws-batch-emulator-scheduler");
        t.setDaemon(true);
        return t;
    });
    private long nextSeq;
    private boolean passScheduled;
    private boolean closed;

    JobEngine(AwsBatchEmulatorOptions options, Arns arns, ComputeCatalog catalog, LogStore logs, Path workDir) {
        this.options = options;
        this.arns = arns;
        this.catalog = catalog;
        this.launcher = new AttemptLauncher(logs, workDir, options.timeScale());
        options.jobQueues().forEach(q -> queuePriority.put(q.name(), q.priority()));
    }

    Object lock() {
        return lock;
    }

    long nextSeq() {
        synchronized (lock) {
            return nextSeq++;
        }
    }

    Arns arns() {
        return arns;
    }

    /** Adds a job (and an array job's children) and schedules them. */
    void add(BatchJob job) {
        synchronized (lock) {
            jobs.put(job.jobId, job);
            job.children.forEach(c -> jobs.put(c.jobId, c));
            kick(Duration.ZERO);
        }
    }

    Optional<BatchJob> job(String jobId) {
        synchronized (lock) {
            return Optional.ofNullable(jobs.get(jobId));
        }
    }

    /** All jobs in submission order; callers read them under {@link #lock()}. */
    List<BatchJob> jobs() {
        synchronized (lock) {
            return new ArrayList<>(jobs.values());
        }
    }

    void terminate(BatchJob job, String reason) {
        synchronized (lock) {
            job.terminated = true;
            if (job.isArrayParent()) {
                job.children.forEach(c -> terminate(c, reason));
                return;
            }
            if (job.status.terminal()) {
                return;
            }
            if (job.status == JobStatus.RUNNING && job.task != null) {
                job.terminationReason = reason;
                job.task.terminate();
                return;
            }
            if (job.status == JobStatus.STARTING) {
                catalog.release(job.reservedOn, job.spec.vcpus());
            }
            finish(job, JobStatus.FAILED, reason);
        }
    }

    /**
     * Takes the host of every running attempt away, as a spot reclaim does: the attempts end without
     * an exit code and with the status reason {@code Host EC2 (instance ...) terminated.}. Returns how many.
     */
    int reclaimHosts() {
        List<JobRunner.Task> stopping = new ArrayList<>();
        synchronized (lock) {
            for (BatchJob job : jobs.values()) {
                if (job.status == JobStatus.RUNNING && job.task != null && job.hostLostReason == null) {
                    job.hostLostReason = "Host EC2 (instance i-0emulator" + Long.toHexString(job.seq) + ") terminated.";
                    stopping.add(job.task);
                }
            }
        }
        stopping.forEach(JobRunner.Task::terminate);
        return stopping.size();
    }

    void cancel(BatchJob job, String reason) {
        synchronized (lock) {
            if (job.isArrayParent()) {
                job.cancelled = true;
                job.children.forEach(c -> cancel(c, reason));
                return;
            }
            if (job.status.cancellable()) {
                job.cancelled = true;
                finish(job, JobStatus.FAILED, reason);
            }
        }
    }

    private void kick(Duration delay) {
        if (passScheduled || closed) {
            return;
        }
        passScheduled = true;
        scheduler.schedule(this::pass, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void pass() {
        synchronized (lock) {
            passScheduled = false;
            if (closed) {
                return;
            }
            boolean changed = false;
            List<BatchJob> active = new ArrayList<>();
            jobs.values().stream().filter(j -> !j.status.terminal()).forEach(active::add);
            active.sort(Comparator.comparingInt((BatchJob j) -> -queuePriority.getOrDefault(j.spec.queueName(), 0))
                    .thenComparingLong(j -> j.seq));
            for (BatchJob job : active) {
                changed |= step(job);
            }
            if (changed) {
                kick(options.transitionDelay());
            }
        }
    }

    private boolean step(BatchJob job) {
        switch (job.status) {
            case SUBMITTED -> {
                boolean waits = job.isArrayParent() || Dependencies.of(job, jobs) != Dependencies.State.SATISFIED;
                if (waits) {
                    job.status = JobStatus.PENDING;
                } else {
                    runnable(job);
                }
                return true;
            }
            case PENDING -> {
                if (job.isArrayParent()) {
                    return false;
                }
                Dependencies.State state = Dependencies.of(job, jobs);
                if (state == Dependencies.State.FAILED) {
                    finish(job, JobStatus.FAILED, DEPENDENCY_FAILED);
                    return true;
                }
                if (state == Dependencies.State.SATISFIED) {
                    runnable(job);
                    return true;
                }
                return false;
            }
            case RUNNABLE -> {
                Optional<String> ce = catalog.reserve(job.spec.queueName(), job.spec.vcpus(),
                        ContainerResolver.memoryMib(job.spec.container()));
                if (ce.isEmpty()) {
                    if (job.blockedSince > 0 && overStateTimeLimit(job)) {
                        return true;
                    }
                    return job.runnableSince > 0 && System.currentTimeMillis() - job.runnableSince
                            >= options.blockedReasonDelay().toMillis() && sayBlocked(job);
                }
                job.reservedOn = ce.get();
                job.status = JobStatus.STARTING;
                job.statusReason = null;
                return true;
            }
            case STARTING -> {
                launch(job);
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    /**
     * RUNNABLE; with AWS's reason in {@code statusReason} when the job can never start on its queue (AWS says it of the
     * job at the head of a queue it blocks, after a while; the emulator at once, of every such job).
     */
    private void runnable(BatchJob job) {
        job.status = JobStatus.RUNNABLE;
        job.runnableSince = System.currentTimeMillis();
        if (options.blockedReasonDelay().isZero()) {
            sayBlocked(job);
        } else {
            passAfter(options.blockedReasonDelay());
        }
    }

    /** A pass once {@code delay} is over, whatever else is scheduled meanwhile. */
    private void passAfter(Duration delay) {
        scheduler.schedule(() -> {
            synchronized (lock) {
                kick(Duration.ZERO);
            }
        }, delay.toMillis() + 1, TimeUnit.MILLISECONDS);
    }

    /** Sets AWS's blocked-queue reason of a job that cannot start, once; answers whether it did. */
    private boolean sayBlocked(BatchJob job) {
        job.runnableSince = 0;
        String blocked = catalog.blocked(job.spec.queueName(), job.spec.vcpus(),
                ContainerResolver.memoryMib(job.spec.container()));
        if (blocked != null) {
            job.statusReason = blocked;
            job.blockedSince = System.currentTimeMillis();
            catalog.stateTimeLimit(job.spec.queueName(), blocked).ifPresent(limit -> passAfter(limit.maxTime()));
        }
        return blocked != null;
    }

    /**
     * Cancels a job that has waited RUNNABLE with its blocked-queue reason as long as a {@code jobStateTimeLimitActions}
     * entry of its queue allows, as AWS does (FAILED); answers whether it did.
     */
    private boolean overStateTimeLimit(BatchJob job) {
        Optional<AwsBatchEmulatorOptions.StateTimeLimit> limit = catalog.stateTimeLimit(job.spec.queueName(), job.statusReason);
        if (limit.isEmpty() || System.currentTimeMillis() - job.blockedSince < limit.get().maxTime().toMillis()) {
            return false;
        }
        job.cancelled = true;
        finish(job, JobStatus.FAILED, "Terminated by JobStateTimeLimit action due to reason: " + limit.get().reason());
        return true;
    }

    private void launch(BatchJob job) {
        Attempt attempt = launcher.newAttempt(job, job.reservedOn);
        job.current = attempt;
        job.status = JobStatus.RUNNING;
        job.startedAt = attempt.startedAt;
        String failure = launcher.start(job, attempt, job.attempts.size() + 1, outcome -> onEnd(job, attempt, outcome));
        if (failure != null) {
            attemptEnded(job, attempt, null, failure);
        }
    }

    private void onEnd(BatchJob job, Attempt attempt, JobRunner.Outcome outcome) {
        synchronized (lock) {
            if (closed) {
                return;
            }
            job.task = null;
            if (job.hostLostReason != null) {
                String why = job.hostLostReason;
                job.hostLostReason = null;
                attemptEnded(job, attempt, null, null, why, true);
                return;
            }
            switch (outcome.ending()) {
                case TERMINATED -> attemptEnded(job, attempt, outcome.exitCode(), null, job.terminationReason, false);
                case TIMED_OUT -> attemptEnded(job, attempt, outcome.exitCode(), null, TIMED_OUT, false);
                default -> attemptEnded(job, attempt, outcome.exitCode(), null);
            }
        }
    }

    private void attemptEnded(BatchJob job, Attempt attempt, Integer exitCode, String reason) {
        boolean started = reason == null;
        String statusReason = started ? EXITED : "Task failed to start";
        attemptEnded(job, attempt, exitCode, reason, statusReason, true);
    }

    private void attemptEnded(BatchJob job, Attempt attempt, Integer exitCode, String reason, String statusReason,
                              boolean retryable) {
        attempt.stoppedAt = System.currentTimeMillis();
        attempt.exitCode = exitCode;
        attempt.reason = reason;
        attempt.statusReason = statusReason;
        job.attempts.add(attempt);
        job.current = null;
        catalog.release(job.reservedOn, job.spec.vcpus());
        job.reservedOn = null;
        if (exitCode != null && exitCode == 0 && retryable) {
            finish(job, JobStatus.SUCCEEDED, statusReason);
        } else if (retryable && !job.terminated && RetryPolicy.shouldRetry(job, attempt)) {
            job.status = JobStatus.RUNNABLE;
            job.statusReason = statusReason;
            kick(options.transitionDelay());
        } else {
            finish(job, JobStatus.FAILED, statusReason);
        }
    }

    private void finish(BatchJob job, JobStatus status, String reason) {
        job.status = status;
        job.statusReason = reason;
        job.stoppedAt = System.currentTimeMillis();
        if (job.isArrayChild()) {
            finishParentWhenDone(job.parent);
        }
        kick(options.transitionDelay());
    }

    private void finishParentWhenDone(BatchJob parent) {
        if (parent.status.terminal() || !parent.children.stream().allMatch(c -> c.status.terminal())) {
            return;
        }
        boolean allSucceeded = parent.children.stream().allMatch(c -> c.status == JobStatus.SUCCEEDED);
        parent.startedAt = parent.children.stream().map(c -> c.startedAt).filter(s -> s != null)
                .min(Long::compare).orElse(null);
        finish(parent, allSucceeded ? JobStatus.SUCCEEDED : JobStatus.FAILED, allSucceeded ? null : CHILD_FAILED);
    }

    @Override
    public void close() {
        List<JobRunner.Task> running = new ArrayList<>();
        synchronized (lock) {
            closed = true;
            jobs.values().stream().filter(j -> j.task != null).forEach(j -> running.add(j.task));
        }
        running.forEach(JobRunner.Task::terminate);
        scheduler.shutdownNow();
        launcher.close();
    }
}
