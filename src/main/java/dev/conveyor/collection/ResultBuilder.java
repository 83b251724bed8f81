package dev.conveyor.collection;

import dev.conveyor.compute.AttemptRecord;
import dev.conveyor.compute.TaskStatus;
import dev.conveyor.model.JobSpec;
import dev.conveyor.model.events.JobCompleted;
import dev.conveyor.model.result.JobResult;
import dev.conveyor.model.result.TaskResult;
import dev.conveyor.storage.JobKeys;
import dev.conveyor.storage.ObjectStore;
import dev.conveyor.storage.StoredDocuments;
import dev.conveyor.storage.StoredObject;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds the result from the completion event and what the tasks left in the object store: the
 * tail of each log inline, the full logs and every output file by URI.
 */
public final class ResultBuilder {
    private final ObjectStore store;
    private final int tailBytes;

    public ResultBuilder(ObjectStore store, int tailBytes) {
        this.store = store;
        this.tailBytes = tailBytes;
    }

    public JobResult build(JobCompleted done) throws IOException {
        JobSpec job = done.job();
        List<TaskResult> tasks = new ArrayList<>();
        for (TaskStatus t : done.tasks()) {
            tasks.add(task(done.jobId(), t));
        }
        return new JobResult(done.jobId(), done.name(), done.state(), done.reason(),
                done.problems().isEmpty() ? null : done.problems(),
                job == null ? null : job.runsOn().type(),
                job == null ? Map.of() : job.params(),
                job == null ? Map.of() : job.labels(),
                done.submittedAt(), done.startedAt(), done.finishedAt(),
                millis(done.startedAt(), done.finishedAt()), tasks);
    }

    private TaskResult task(String jobId, TaskStatus t) throws IOException {
        List<TaskResult.Attempt> attempts = new ArrayList<>();
        for (AttemptRecord a : t.attempts()) {
            attempts.add(new TaskResult.Attempt(a.attempt(), a.state(), a.exitCode(), a.reason(),
                    a.startedAt(), a.finishedAt(), logs(a)));
        }
        AttemptRecord last = t.lastAttempt();
        Instant started = t.attempts().isEmpty() ? null : t.attempts().get(0).startedAt();
        Instant finished = last == null ? null : last.finishedAt();
        return new TaskResult(t.taskId(), t.state(), t.exitCode(), t.reason(), attempts.size(), attempts,
                started, finished, millis(started, finished),
                last == null ? null : tail(last.stdoutKey()),
                last == null ? null : tail(last.stderrKey()),
                last == null ? null : logs(last),
                outputs(jobId, t), StoredDocuments.values(store, JobKeys.values(jobId, t.taskId())));
    }

    private List<TaskResult.OutputFile> outputs(String jobId, TaskStatus t) throws IOException {
        String prefix = JobKeys.outputs(jobId, t.taskId());
        List<TaskResult.OutputFile> files = new ArrayList<>();
        for (StoredObject o : store.listAll(prefix)) {
            files.add(new TaskResult.OutputFile(o.key().substring(prefix.length()), store.uri(o.key()).toString(), o.size()));
        }
        return files;
    }

    private TaskResult.Logs logs(AttemptRecord a) {
        if (a.stdoutKey() == null && a.stderrKey() == null) {
            return null;
        }
        return new TaskResult.Logs(uri(a.stdoutKey()), uri(a.stderrKey()));
    }

    private String uri(String key) {
        return key == null ? null : store.uri(key).toString();
    }

    private String tail(String key) throws IOException {
        if (key == null) {
            return null;
        }
        byte[] bytes;
        try {
            bytes = store.tail(key, tailBytes);
        } catch (java.nio.file.NoSuchFileException e) {
            return null;
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        // A cut in the middle of a multi-byte character shows as U+FFFD at the start: drop it.
        return text.startsWith("\uFFFD") ? text.substring(1) : text;
    }

    private static Long millis(Instant from, Instant to) {
        return from == null || to == null ? null : Duration.between(from, to).toMillis();
    }
}
