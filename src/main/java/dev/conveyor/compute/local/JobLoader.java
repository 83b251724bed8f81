package dev.conveyor.compute.local;

import dev.conveyor.compute.ComputeJob;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

/**
 * Rebuilds a job's in-memory state from disk (after a restart, or when another instance got
 * there first). Attempts without a result are handed to the monitor as running: it adopts a live
 * process, finishes one that left an exit code, and declares a vanished one lost.
 */
final class JobLoader {
    private final JobStore store;

    JobLoader(JobStore store) {
        this.store = store;
    }

    JobRun load(String jobId) throws IOException {
        ComputeJob job = store.loadJob(jobId);
        JobRun run = new JobRun(job);
        run.cancel = store.loadCancel(jobId);
        for (TaskRun t : run.tasks.values()) {
            reload(run, t);
        }
        return run;
    }

    void reload(JobRun job, TaskRun t) throws IOException {
        t.finished.clear();
        t.running = null;
        t.undecided = false;
        t.lastRetryable = true;
        t.notBefore = Instant.EPOCH;
        t.outcome = store.loadOutcome(job.id(), t.id());
        for (AttemptDir a : store.attempts(job.id(), t.id())) {
            JobStore.AttemptResult r = store.loadResult(a);
            if (r != null) {
                t.finished.add(r.record());
                t.lastRetryable = r.retryable();
            } else if (t.outcome == null) {
                t.running = unfinished(a);
            }
        }
        if (t.outcome == null && t.running == null && !t.finished.isEmpty()) {
            t.undecided = true;
        }
    }

    private RunningAttempt unfinished(AttemptDir a) throws IOException {
        JobStore.LaunchRecord l = store.loadLaunch(a);
        RunningAttempt ra = l == null
                ? new RunningAttempt(a, null, wrapperPid(a), null, created(a))
                : new RunningAttempt(a, null, l.pid(), l.processStart(), l.startedAt());
        ra.kill = store.loadKill(a);
        return ra;
    }

    /** The JVM died between starting the process and recording it: the wrapper's own record, if any. */
    private static long wrapperPid(AttemptDir a) {
        try {
            return Long.parseLong(Files.readString(a.pid()).trim());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    private static Instant created(AttemptDir a) throws IOException {
        FileTime t = Files.getLastModifiedTime(a.dir());
        return t.toInstant();
    }
}
