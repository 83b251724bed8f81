package dev.conveyor.collection;

import dev.conveyor.engine.Attempt;
import dev.conveyor.engine.RunState;
import dev.conveyor.engine.TaskRun;
import dev.conveyor.model.JobSpec;
import dev.conveyor.model.TaskSpec;
import dev.conveyor.model.events.JobCompleted;
import dev.conveyor.model.result.JobResult;
import dev.conveyor.model.result.TaskResult;
import dev.conveyor.storage.JobKeys;
import dev.conveyor.storage.ObjectStore;
import dev.conveyor.storage.StoredDocuments;
import dev.conveyor.storage.StoredObject;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds a job's result from its completion, its spec and the engine's final run state: every
 * task's attempts, and for attempts the task wrapper reported, the tail of each log inline, the
 * full logs and every output file by URI, and its values. Attempts that never reported (nothing
 * ran, or a backend that runs no wrapper) cost no reads.
 */
public final class ResultBuilder {
    private final ObjectStore store;
    private final int tailBytes;

    public ResultBuilder(ObjectStore store, int tailBytes) {
        this.store = store;
        this.tailBytes = tailBytes;
    }

    /** @param spec the job's spec, or null (rejected); @param run its final run state, or null (never ran) */
    public JobResult build(JobCompleted done, JobSpec spec, RunState run) throws IOException {
        List<TaskResult> tasks = new ArrayList<>();
        if (spec != null && run != null) {
            for (TaskSpec t : spec.tasks()) {
                TaskRun r = run.tasks.get(t.id());
                if (r != null) {
                    tasks.add(task(done.jobId(), t.id(), r));
                }
            }
        }
        return new JobResult(done.jobId(), done.name(), done.state(), done.reason(),
                done.problems().isEmpty() ? null : done.problems(),
                spec == null ? null : spec.runsOn().type(),
                spec == null ? Map.of() : spec.params(),
                spec == null ? Map.of() : spec.labels(),
                done.submittedAt(), done.startedAt(), done.finishedAt(),
                millis(done.startedAt(), done.finishedAt()), tasks, done.request(), null, null);
    }

    private TaskResult task(String jobId, String taskId, TaskRun t) throws IOException {
        List<TaskResult.Attempt> attempts = new ArrayList<>();
        for (Attempt a : t.attempts) {
            attempts.add(new TaskResult.Attempt(a.attempt(), a.state(), a.exitCode(), a.reason(), a.startedAt(),
                    a.endedAt(), logs(jobId, taskId, a), a.handle(), a.logRef()));
        }
        Attempt last = t.lastAttempt();
        boolean reported = last != null && last.reported();
        String prefix = last == null ? null : JobKeys.attempt(jobId, taskId, last.attempt());
        List<TaskResult.OutputFile> outputs = reported ? outputs(prefix + "outputs/") : List.of();
        Instant started = t.attempts.isEmpty() ? null : t.attempts.get(0).startedAt();
        Instant finished = last == null ? null : last.endedAt();
        return new TaskResult(taskId, t.state, t.exitCode, t.reason, attempts.size(), attempts, started, finished,
                millis(started, finished),
                reported ? tail(prefix + "stdout.txt") : null,
                reported ? tail(prefix + "stderr.txt") : null,
                last == null ? null : logs(jobId, taskId, last),
                outputs, reported ? outputs.size() : null,
                reported ? StoredDocuments.values(store, prefix + "values.env") : Map.of());
    }

    private List<TaskResult.OutputFile> outputs(String prefix) throws IOException {
        List<TaskResult.OutputFile> files = new ArrayList<>();
        for (StoredObject o : store.listAll(prefix)) {
            files.add(new TaskResult.OutputFile(o.key().substring(prefix.length()), store.uri(o.key()).toString(), o.size()));
        }
        return files;
    }

    private TaskResult.Logs logs(String jobId, String taskId, Attempt a) {
        if (!a.reported()) {
            return null;
        }
        String prefix = JobKeys.attempt(jobId, taskId, a.attempt());
        return new TaskResult.Logs(store.uri(prefix + "stdout.txt").toString(), store.uri(prefix + "stderr.txt").toString());
    }

    private String tail(String key) throws IOException {
        byte[] bytes;
        try {
            bytes = store.tail(key, tailBytes);
        } catch (NoSuchFileException e) {
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
