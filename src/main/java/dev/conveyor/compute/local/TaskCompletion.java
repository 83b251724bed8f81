package dev.conveyor.compute.local;

import dev.conveyor.compute.AttemptRecord;
import dev.conveyor.model.TaskState;
import dev.conveyor.storage.JobKeys;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What happens when an attempt ends: logs uploaded and the attempt recorded; then either another
 * attempt (per {@link RetryPolicy}) or the task's terminal state, with its outputs uploaded. Each
 * step is recorded on disk after its uploads, so a crash in between only repeats uploads.
 */
final class TaskCompletion {
    private final JobStore store;
    private final ResultUploader uploader;
    private final RetryPolicy retry;

    TaskCompletion(JobStore store, ResultUploader uploader, RetryPolicy retry) {
        this.store = store;
        this.uploader = uploader;
        this.retry = retry;
    }

    void finishAttempt(JobRun job, TaskRun t, AttemptMonitor.End end, Instant now) throws IOException {
        RunningAttempt a = t.running;
        ResultUploader.LogKeys logs = uploader.uploadLogs(t.task.logPrefix(), a.dir);
        AttemptRecord r = new AttemptRecord(a.number(), end.state(), end.exitCode(), end.reason(),
                a.startedAt, now, logs.stdoutKey(), logs.stderrKey());
        store.saveResult(a.dir, new JobStore.AttemptResult(r, end.retryable()));
        t.finished.add(r);
        t.lastRetryable = end.retryable();
        t.running = null;
        t.undecided = true;
        decide(job, t, now);
    }

    /** After the last finished attempt: retry, or end the task with that attempt's state. */
    void decide(JobRun job, TaskRun t, Instant now) throws IOException {
        AttemptRecord last = t.finished.get(t.finished.size() - 1);
        Optional<Instant> next = job.cancel != null ? Optional.empty()
                : retry.nextAttempt(last, t.task.maxRetries(), t.lastRetryable, now);
        if (next.isPresent()) {
            t.notBefore = next.get();
            t.undecided = false;
            return;
        }
        end(job, t, last.state(), last.exitCode(), last.reason());
    }

    /** Put the task in its terminal state: outputs uploaded (if it ever ran), outcome recorded. */
    void end(JobRun job, TaskRun t, TaskState state, Integer exitCode, String reason) throws IOException {
        List<String> keys = List.of();
        if (!t.finished.isEmpty()) {
            int n = t.finished.get(t.finished.size() - 1).attempt();
            AttemptDir a = new AttemptDir(store.taskDir(job.id(), t.id()).resolve(AttemptDir.name(n)), n);
            keys = uploader.uploadOutputs(t.task.outputs(), t.task.outputPrefix(), a.wd(), state);
            uploader.uploadValues(JobKeys.values(job.id(), t.id()), a.outputsEnv());
        }
        JobStore.TaskOutcome outcome = new JobStore.TaskOutcome(state, exitCode, reason, keys);
        store.saveOutcome(job.id(), t.id(), outcome);
        t.outcome = outcome;
        t.undecided = false;
    }
}
