package dev.conveyor.emulator.azure;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * All pools, jobs and tasks of the account. Every read and write happens while holding this object's monitor;
 * processes and blob transfers run outside it.
 */
final class BatchState {
    final String endpoint;
    final String accountName;
    final Path workDir;
    private final Map<String, Entities.Pool> pools = new LinkedHashMap<>();
    private final Map<String, Entities.Job> jobs = new LinkedHashMap<>();

    BatchState(String endpoint, String accountName, Path workDir) {
        this.endpoint = endpoint;
        this.accountName = accountName;
        this.workDir = workDir;
    }

    static String key(String id) {
        return id.toLowerCase(Locale.ROOT);
    }

    Entities.Pool pool(String id) {
        Entities.Pool p = pools.get(key(id));
        if (p == null) throw BatchException.notFound("PoolNotFound", "pool");
        return p;
    }

    Entities.Pool poolOrNull(String id) {
        return id == null ? null : pools.get(key(id));
    }

    boolean hasPool(String id) {
        return pools.containsKey(key(id));
    }

    void putPool(Entities.Pool pool) {
        pools.put(key(pool.id()), pool);
    }

    void removePool(String id) {
        pools.remove(key(id));
    }

    Collection<Entities.Pool> pools() {
        return pools.values();
    }

    Entities.Job job(String id) {
        Entities.Job j = jobs.get(key(id));
        if (j == null) throw BatchException.notFound("JobNotFound", "job");
        return j;
    }

    boolean hasJob(String id) {
        return jobs.containsKey(key(id));
    }

    void putJob(Entities.Job job) {
        jobs.put(key(job.id()), job);
    }

    void removeJob(String id) {
        jobs.remove(key(id));
    }

    Collection<Entities.Job> jobs() {
        return jobs.values();
    }

    Entities.Task task(String jobId, String taskId) {
        Entities.Task t = job(jobId).tasks.get(key(taskId));
        if (t == null) throw BatchException.notFound("TaskNotFound", "task");
        return t;
    }

    String url(String path) {
        return endpoint + path;
    }

    /** Marks a user-visible change: new ETag and lastModified. */
    static void touch(ObjectNode json) {
        json.put("eTag", Json.newETag());
        json.put("lastModified", Json.now());
    }

    /** Sets state and stateTransitionTime; with {@code keepPrevious} also previousState and its time. */
    static void setState(ObjectNode json, String state, boolean keepPrevious) {
        String now = Json.now();
        if (keepPrevious && json.has("state")) {
            json.put("previousState", json.get("state").asText());
            json.put("previousStateTransitionTime", json.path("stateTransitionTime").asText(now));
        }
        json.put("state", state);
        json.put("stateTransitionTime", now);
    }
}
