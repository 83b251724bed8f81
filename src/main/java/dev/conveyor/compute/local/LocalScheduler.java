package dev.conveyor.compute.local;

import dev.conveyor.compute.ComputeException;
import dev.conveyor.compute.ComputeJob;
import dev.conveyor.compute.TaskStatus;
import dev.conveyor.model.TaskState;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The heart of the local provider: all job state, guarded by this object's monitor. A
 * {@link #tick} (run by {@link LocalComputeProvider}'s single scheduler thread, every tick and
 * whenever a process exits) watches running attempts, ends tasks whose upstream failed, and
 * starts ready tasks while slots are free.
 */
final class LocalScheduler {
    private static final System.Logger LOG = System.getLogger(LocalScheduler.class.getName());

    private final LocalOptions options;
    private final JobStore store;
    private final JobLoader loader;
    private final InputStager stager;
    private final ProcessLauncher launcher;
    private final UpstreamValues upstreamValues;
    private final AttemptMonitor monitor;
    private final TaskCompletion completion;
    private final Runnable wake;
    private final Map<String, JobRun> jobs = new LinkedHashMap<>();

    LocalScheduler(LocalOptions options, dev.conveyor.storage.ObjectStore objects, Runnable wake) {
        this.options = options;
        this.store = new JobStore(options.dataDir());
        this.loader = new JobLoader(store);
        this.stager = new InputStager(objects);
        this.upstreamValues = new UpstreamValues(objects);
        this.launcher = new ProcessLauncher();
        this.monitor = new AttemptMonitor(store, options.killGrace());
        this.completion = new TaskCompletion(store, new ResultUploader(objects), new RetryPolicy(options.retryBackoff(), options.retryBackoffMax()));
        this.wake = wake;
    }

    synchronized void submit(ComputeJob job) {
        JobValidator.validate(job);
        if (jobs.containsKey(job.jobId()) || load(job.jobId()) != null) {
            return; // idempotent: the job is already there
        }
        try {
            store.saveJob(job);
        } catch (IOException e) {
            throw new ComputeException("cannot persist job '" + job.jobId() + "': " + e.getMessage(), true, e);
        }
        jobs.put(job.jobId(), new JobRun(job));
        wake.run();
    }

    synchronized List<TaskStatus> poll(String jobId) {
        JobRun job = require(jobId);
        List<TaskStatus> out = new ArrayList<>();
        job.tasks.values().forEach(t -> out.add(t.status()));
        return out;
    }

    void cancel(String jobId, String reason, long waitMillis) {
        String why = reason == null || reason.isBlank() ? "cancelled" : reason;
        synchronized (this) {
            JobRun job = require(jobId);
            Instant now = Instant.now();
            try {
                if (job.cancel == null) {
                    job.cancel = new JobStore.CancelRecord(why, now);
                    store.saveCancel(jobId, job.cancel);
                }
                for (TaskRun t : job.tasks.values()) {
                    if (t.running != null) {
                        monitor.stop(t.running, TaskState.CANCELLED, why, now);
                    } else if (t.waiting()) {
                        completion.end(job, t, TaskState.CANCELLED, null, why);
                    }
                }
            } catch (IOException e) {
                throw new ComputeException("cannot cancel job '" + jobId + "': " + e.getMessage(), true, e);
            }
            wake.run();
            // Wait (releasing the lock) until the stopped process trees are gone and recorded.
            long deadline = System.currentTimeMillis() + waitMillis;
            while (job.tasks.values().stream().anyMatch(t -> t.running != null || t.undecided)
                    && System.currentTimeMillis() < deadline) {
                try {
                    wait(Math.max(1, Math.min(200, deadline - System.currentTimeMillis())));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    synchronized void cleanup(String jobId) {
        JobValidator.checkId("job id", jobId);
        JobRun job = jobs.containsKey(jobId) ? jobs.remove(jobId) : load(jobId);
        jobs.remove(jobId);
        if (job != null) {
            for (TaskRun t : job.tasks.values()) {
                if (t.running != null && t.running.pid > 0 && t.running.alive()) {
                    ProcessGroups.signalGroup(t.running.pid, true); // never leave a process without its directory
                }
            }
        }
        try {
            store.deleteJob(jobId);
        } catch (IOException e) {
            throw new ComputeException("cannot delete job '" + jobId + "': " + e.getMessage(), true, e);
        }
    }

    /** One scheduling round. Never throws: a failing task is retried next round. */
    synchronized void tick() {
        Instant now = Instant.now();
        for (JobRun job : jobs.values()) {
            for (TaskRun t : job.tasks.values()) {
                guarded(t, () -> {
                    if (t.running != null) {
                        AttemptMonitor.End end = monitor.check(t, now);
                        if (end != null) {
                            completion.finishAttempt(job, t, end, now);
                        }
                    } else if (t.undecided) {
                        completion.decide(job, t, now);
                    }
                });
            }
            resolveWaiting(job);
        }
        int free = options.slots() - (int) jobs.values().stream()
                .flatMap(j -> j.tasks.values().stream()).filter(t -> t.running != null).count();
        for (JobRun job : jobs.values()) {
            for (TaskRun t : job.tasks.values()) {
                if (free <= 0) {
                    break;
                }
                if (t.waiting() && !now.isBefore(t.notBefore) && Dependencies.ready(job, t)
                        && MatrixGroups.hasRoom(job, t)) {
                    guarded(t, () -> launch(job, t, now));
                    if (t.running != null) {
                        free--;
                    }
                }
            }
        }
        notifyAll();
    }

    /**
     * Cancel waiting tasks of a cancelled job; stop the other cells of a fail-fast matrix group one of
     * whose cells failed for good; skip waiting tasks whose upstream did not succeed (transitively).
     */
    private void resolveWaiting(JobRun job) {
        Instant now = Instant.now();
        for (MatrixGroups.FailFast stop : MatrixGroups.failFast(job)) {
            guarded(stop.task(), () -> {
                if (stop.task().running != null) {
                    monitor.stop(stop.task().running, TaskState.CANCELLED, stop.reason(), now);
                } else if (stop.task().waiting()) {
                    completion.end(job, stop.task(), TaskState.SKIPPED, null, stop.reason());
                }
            });
        }
        boolean changed = true;
        while (changed) {
            changed = false;
            for (TaskRun t : job.tasks.values()) {
                if (!t.waiting()) {
                    continue;
                }
                String why = job.cancel != null ? job.cancel.reason() : Dependencies.failedUpstream(job, t);
                if (why != null) {
                    TaskState state = job.cancel != null ? TaskState.CANCELLED : TaskState.SKIPPED;
                    guarded(t, () -> completion.end(job, t, state, null, why));
                    changed |= t.outcome != null;
                }
            }
        }
    }

    private void launch(JobRun job, TaskRun t, Instant now) throws IOException {
        AttemptDir a;
        try {
            a = store.createAttempt(job.id(), t.id(), t.nextAttemptNumber());
        } catch (FileAlreadyExistsException e) {
            loader.reload(job, t); // another instance started this attempt: watch it instead
            return;
        }
        try {
            stager.stage(t.task.inputs(), a.wd());
        } catch (StagingException e) {
            failBeforeStart(job, t, a, e.getMessage(), e.retryable(), now);
            return;
        }
        ProcessLauncher.Launched l;
        try {
            List<String> from = new java.util.ArrayList<>(t.task.dependsOn());
            from.addAll(t.task.valuesFrom());
            Map<String, String> upstream = upstreamValues.prepare(job.id(), from, a.dir());
            l = launcher.launch(job.id(), t.task, a, upstream);
        } catch (IOException e) {
            failBeforeStart(job, t, a, "could not start the process: " + e.getMessage(), true, now);
            return;
        }
        t.running = new RunningAttempt(a, l.process(), l.record().pid(), l.record().processStart(), l.record().startedAt());
        store.saveLaunch(a, l.record());
        l.process().onExit().thenRun(wake);
    }

    private void failBeforeStart(JobRun job, TaskRun t, AttemptDir a, String reason, boolean retryable, Instant now)
            throws IOException {
        Files.writeString(a.stderr(), reason + "\n", StandardCharsets.UTF_8);
        t.running = new RunningAttempt(a, null, -1, null, now);
        completion.finishAttempt(job, t, new AttemptMonitor.End(TaskState.FAILED, null, reason, retryable), now);
    }

    private interface Step {
        void run() throws IOException;
    }

    private static void guarded(TaskRun t, Step step) {
        try {
            step.run();
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "task '" + t.id() + "': " + e + " (will try again)", e);
        }
    }

    private JobRun require(String jobId) {
        JobValidator.checkId("job id", jobId);
        JobRun job = jobs.containsKey(jobId) ? jobs.get(jobId) : load(jobId);
        if (job == null) {
            throw new ComputeException("unknown job '" + jobId + "'", false);
        }
        return job;
    }

    /** Recover a job this instance does not know from disk; null if there is none. */
    private JobRun load(String jobId) {
        if (!store.jobExists(jobId)) {
            return null;
        }
        try {
            JobRun job = loader.load(jobId);
            jobs.put(jobId, job);
            wake.run();
            return job;
        } catch (IOException e) {
            throw new ComputeException("cannot read job '" + jobId + "' from disk: " + e.getMessage(), true, e);
        }
    }
}
