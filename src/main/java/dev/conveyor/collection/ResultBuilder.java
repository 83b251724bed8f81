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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Builds a job's result from its completion, its spec and the engine's final run state: every
 * task's attempts, and for attempts the task wrapper reported, the tail of each log inline, the
 * full logs and every output file by URI, and its values. Attempts that never reported (nothing
 * ran, or a backend that runs no wrapper) cost no reads.
 *
 * <p>What the reported attempts returned is found by one listing of the job's task files, not a
 * listing per task; then the logs' tails and the values of {@value #CHUNK} tasks at a time are read
 * together ({@link ObjectStore#tailAll}, {@link ObjectStore#readAll}: on S3 or Blob at once), and a
 * file the listing does not show is not asked for. On a store across a network a task costs a
 * fraction of a round trip's wait, not four of them in turn.
 */
public final class ResultBuilder {
    /** Tasks whose files are read together: bounds the tails held at once to 2 × CHUNK × tailBytes. */
    static final int CHUNK = 128;

    private final ObjectStore store;
    private final int tailBytes;
    private final int chunk;

    public ResultBuilder(ObjectStore store, int tailBytes) {
        this(store, tailBytes, CHUNK);
    }

    ResultBuilder(ObjectStore store, int tailBytes, int chunk) {
        this.store = store;
        this.tailBytes = tailBytes;
        this.chunk = chunk;
    }

    /** @param spec the job's spec, or null (rejected); @param run its final run state, or null (never ran) */
    public JobResult build(JobCompleted done, JobSpec spec, RunState run) throws IOException {
        List<TaskResult> tasks = new ArrayList<>();
        if (spec != null && run != null) {
            List<TaskSpec> ran = spec.tasks().stream().filter(t -> run.tasks.containsKey(t.id())).toList();
            Returned returned = returned(done.jobId(), ran, run);
            for (int from = 0; from < ran.size(); from += chunk) {
                tasks.addAll(tasks(done.jobId(), ran.subList(from, Math.min(ran.size(), from + chunk)), run, returned));
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

    /** The files each reported attempt returned, by attempt prefix ({@code jobs/<id>/tasks/<task>/attempt-<n>/}). */
    private record Returned(Map<String, List<StoredObject>> byAttempt, Set<String> keys) {
        List<StoredObject> of(String attemptPrefix) {
            return byAttempt.getOrDefault(attemptPrefix, List.of());
        }

        boolean has(String key) {
            return keys.contains(key);
        }
    }

    /** One listing of the job's task files, kept for the last reported attempt of each task; none when no task reported. */
    private Returned returned(String jobId, List<TaskSpec> ran, RunState run) throws IOException {
        Map<String, List<StoredObject>> byAttempt = new HashMap<>();
        for (TaskSpec t : ran) {
            Attempt last = run.tasks.get(t.id()).lastAttempt();
            if (last != null && last.reported()) {
                byAttempt.put(JobKeys.attempt(jobId, t.id(), last.attempt()), new ArrayList<>());
            }
        }
        if (byAttempt.isEmpty()) {
            return new Returned(Map.of(), Set.of());
        }
        Set<String> keys = new HashSet<>();
        String tasks = JobKeys.jobPrefix(jobId) + "tasks/";
        for (StoredObject o : store.listAll(tasks)) {
            // <task>/attempt-<n>/<file>: task ids have no '/'
            int afterTask = o.key().indexOf('/', tasks.length());
            int afterAttempt = afterTask < 0 ? -1 : o.key().indexOf('/', afterTask + 1);
            List<StoredObject> files = afterAttempt < 0 ? null : byAttempt.get(o.key().substring(0, afterAttempt + 1));
            if (files != null) {
                files.add(o);
                keys.add(o.key());
            }
        }
        return new Returned(byAttempt, keys);
    }

    /** The results of some tasks: their logs' tails read together, then their values together. */
    private List<TaskResult> tasks(String jobId, List<TaskSpec> chunk, RunState run, Returned returned) throws IOException {
        List<String> logs = new ArrayList<>();
        List<String> values = new ArrayList<>();
        for (TaskSpec t : chunk) {
            Attempt last = run.tasks.get(t.id()).lastAttempt();
            if (last != null && last.reported()) {
                String prefix = JobKeys.attempt(jobId, t.id(), last.attempt());
                for (String key : List.of(prefix + "stdout.txt", prefix + "stderr.txt")) {
                    if (returned.has(key)) {
                        logs.add(key);
                    }
                }
                if (returned.has(prefix + "values.env")) {
                    values.add(prefix + "values.env");
                }
            }
        }
        Map<String, byte[]> read = new HashMap<>();
        put(read, logs, store.tailAll(logs, tailBytes));
        put(read, values, store.readAll(values, ObjectStore.MAX_DOCUMENT_BYTES));
        List<TaskResult> out = new ArrayList<>(chunk.size());
        for (TaskSpec t : chunk) {
            out.add(task(jobId, t.id(), run.tasks.get(t.id()), returned, read));
        }
        return out;
    }

    private static void put(Map<String, byte[]> read, List<String> keys, List<Optional<byte[]>> bytes) {
        for (int i = 0; i < keys.size(); i++) {
            int at = i;
            bytes.get(i).ifPresent(b -> read.put(keys.get(at), b));
        }
    }

    private TaskResult task(String jobId, String taskId, TaskRun t, Returned returned, Map<String, byte[]> read) {
        List<TaskResult.Attempt> attempts = new ArrayList<>();
        for (Attempt a : t.attempts) {
            attempts.add(new TaskResult.Attempt(a.attempt(), a.state(), a.exitCode(), a.reason(), a.startedAt(),
                    a.endedAt(), logs(jobId, taskId, a), a.handle(), a.logRef()));
        }
        Attempt last = t.lastAttempt();
        boolean reported = last != null && last.reported();
        String prefix = last == null ? null : JobKeys.attempt(jobId, taskId, last.attempt());
        List<TaskResult.OutputFile> outputs = reported ? outputs(prefix + "outputs/", returned.of(prefix)) : List.of();
        Instant started = t.attempts.isEmpty() ? null : t.attempts.get(0).startedAt();
        Instant finished = last == null ? null : last.endedAt();
        return new TaskResult(taskId, t.state, t.exitCode, t.reason, attempts.size(), attempts, started, finished,
                millis(started, finished),
                reported ? tail(read.get(prefix + "stdout.txt")) : null,
                reported ? tail(read.get(prefix + "stderr.txt")) : null,
                last == null ? null : logs(jobId, taskId, last),
                outputs, reported ? outputs.size() : null,
                reported ? StoredDocuments.values(Optional.ofNullable(read.get(prefix + "values.env"))) : Map.of());
    }

    private List<TaskResult.OutputFile> outputs(String prefix, List<StoredObject> returned) {
        List<TaskResult.OutputFile> files = new ArrayList<>();
        for (StoredObject o : returned) {
            if (o.key().startsWith(prefix)) {
                files.add(new TaskResult.OutputFile(o.key().substring(prefix.length()), store.uri(o.key()).toString(), o.size()));
            }
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

    /** A log's tail as text (null: there is no log). */
    private static String tail(byte[] bytes) {
        if (bytes == null) {
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
