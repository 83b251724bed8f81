package dev.conveyor.compute.azure;

import dev.conveyor.compute.Rechecked;
import dev.conveyor.compute.TaskHandle;
import dev.conveyor.compute.TaskObservation;
import dev.conveyor.compute.azure.BatchTypes.Counts;
import dev.conveyor.compute.azure.BatchTypes.PoolInfo;
import dev.conveyor.compute.azure.BatchTypes.TaskInfo;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Describes handles across Batch jobs in few calls: per Batch job one task-counts call; only when
 * the counts moved (or a handle is new to it, or {@code fullRefresh} passed) one list call,
 * {@code $select}ed to what an observation needs and {@code $filter}ed to the tasks that are not
 * completed or changed since the last list (less two minutes, for clock skew). Never a call per
 * task (Nextflow's Azure executor gets every task every cycle).
 */
final class BulkMonitor {
    private static final Duration SKEW = Duration.ofMinutes(2);

    private record Seen(Counts counts, Instant listedAt, Instant fullAt, Map<String, TaskInfo> tasks) {
    }

    private final Map<String, Seen> seen = new ConcurrentHashMap<>();
    /** How long what a pool looked like stands before it is asked again (only while its jobs' tasks all wait). */
    private static final Duration POOL_RECHECK = Duration.ofSeconds(30);
    /** The pool of each Batch job ({@code <account>/<job>} → pool id), as the job's environment names it. */
    private final Map<String, String> poolOf = new ConcurrentHashMap<>();
    /** What each pool ({@code <account>/<pool>}) of jobs with a waiting task looked like. */
    private final Rechecked<Pool> pools;

    /** Why nothing can run on a pool ({@code unusable}), or what its tasks wait for ({@code waiting}); or neither. */
    private record Pool(String unusable, String waiting) {
        static final Pool FINE = new Pool(null, null);
    }
    /** The options of a job on each pool ({@code <account>/<pool>}): what to create it from again if it goes. */
    private final Map<String, AzureBatchOptions> madeFrom = new ConcurrentHashMap<>();
    private final PoolKeeper keeper;
    private final Duration fullRefresh;
    private final Clock clock;

    BulkMonitor(Duration fullRefresh, PoolKeeper keeper, Clock clock) {
        this.fullRefresh = fullRefresh;
        this.keeper = keeper;
        this.clock = clock;
        this.pools = new Rechecked<>(POOL_RECHECK, clock);
    }

    /** A handle's ref: {@code <account key>/<Batch job id>/<Batch task id>}. */
    record Ref(String account, String job, String task) {
        static Ref parse(String ref) {
            String[] p = ref.split("/", 3);
            if (p.length != 3) {
                throw new IllegalArgumentException("not an azure-batch handle: " + ref);
            }
            return new Ref(p[0], p[1], p[2]);
        }

        String key() {
            return account + "/" + job;
        }

        @Override
        public String toString() {
            return account + "/" + job + "/" + task;
        }
    }

    Map<TaskHandle, TaskObservation> describe(List<TaskHandle> handles, Function<String, AzureBatchApi> apis) {
        Map<String, Map<TaskHandle, Ref>> byJob = new LinkedHashMap<>();
        for (TaskHandle h : handles) {
            Ref r = Ref.parse(h.ref());
            byJob.computeIfAbsent(r.key(), k -> new LinkedHashMap<>()).put(h, r);
        }
        Map<TaskHandle, TaskObservation> out = new LinkedHashMap<>();
        for (Map.Entry<String, Map<TaskHandle, Ref>> e : byJob.entrySet()) {
            Ref any = e.getValue().values().iterator().next();
            AzureBatchApi api = apis.apply(any.account());
            if (api == null) { // an account this instance has not met yet (named only in a request): asked again later
                e.getValue().keySet().forEach(h -> out.put(h, TaskObservation.queued()));
                continue;
            }
            describeJob(api, any.job(), e.getKey(), e.getValue(), out);
        }
        return out;
    }

    private void describeJob(AzureBatchApi api, String job, String key, Map<TaskHandle, Ref> handles,
                             Map<TaskHandle, TaskObservation> out) {
        Counts counts = api.taskCounts(job);
        if (counts == null) {
            seen.remove(key);
            handles.keySet().forEach(h -> out.put(h, TaskObservation.lost("the Batch job " + job + " is gone")));
            return;
        }
        Instant now = clock.instant();
        Seen before = seen.get(key);
        Seen s = before;
        boolean full = before == null || !now.isBefore(before.fullAt.plus(fullRefresh));
        boolean unknown = before != null && handles.values().stream().anyMatch(r -> !before.tasks.containsKey(r.task()));
        if (full || unknown || !counts.equals(s.counts)) {
            s = list(api, job, counts, s, full, now);
            if (!full && !s.tasks.keySet().containsAll(handles.values().stream().map(Ref::task).toList())) {
                s = list(api, job, counts, s, true, now); // one we never saw, not in a filtered list: look at everything
            }
            seen.put(key, s);
        }
        // tasks waiting: what for, as the pool says; and with none running, a pool that cannot get a node (a quota
        // reached, no capacity) or whose nodes take no task never runs them
        boolean noneRuns = counts.running() == 0;
        Pool pool = counts.active() > 0 ? pool(api, key, noneRuns) : Pool.FINE;
        for (Map.Entry<TaskHandle, Ref> h : handles.entrySet()) {
            TaskInfo t = s.tasks.get(h.getValue().task());
            boolean waits = t != null && "active".equalsIgnoreCase(t.state());
            out.put(h.getKey(), t == null ? TaskObservation.lost("task " + h.getValue().task() + " is not in Batch job " + job)
                    : waits && noneRuns && pool.unusable() != null
                    ? TaskObservation.ended(null, pool.unusable(), null, null).withTerminal() // no other attempt would start
                    : waits && pool.waiting() != null ? TaskObservation.queued(pool.waiting())
                    : observe(t));
        }
    }

    /**
     * The Batch job {@code <account>/<job>} runs on {@code pool} (its environment says so: created, resumed, added to),
     * made from {@code options} if it has to be made again.
     */
    void onPool(String account, String job, String pool, AzureBatchOptions options) {
        if (pool != null) {
            poolOf.put(account + "/" + job, pool);
            madeFrom.put(account + "/" + pool, options);
        }
    }

    /**
     * What the pool of the Batch job {@code key} looks like for its waiting tasks: why nothing can run on it — a pool
     * whose allocation has ended (steady) with no node and with resize errors (Azure does not try again by itself, so
     * its tasks would wait until their time limit, or for ever) — or what they wait for. An autoscale pool is never
     * judged unusable (its formula may ask again). Asked at most every {@link #POOL_RECHECK}, and only while a task
     * of a job on it waits; judged unusable only while none of the job's tasks runs.
     */
    private Pool pool(AzureBatchApi api, String key, boolean noneRuns) {
        String pool = poolOf.get(key);
        if (pool == null) {
            return Pool.FINE;
        }
        String poolKey = key.substring(0, key.indexOf('/') + 1) + pool;
        return pools.get(poolKey, () -> verdict(api, pool, madeFrom.get(poolKey), noneRuns));
    }

    /**
     * The pool as its waiting tasks see it: unusable when steady and fixed-size with no node and resize errors, or
     * when every node failed its start task or is unusable with an error ({@link #takesNoTask}); waiting while it
     * resizes, or has no node. A pool that is gone is created again from {@code options} (null: not known here, waited
     * for). Its nodes are listed only when {@code noneRuns}: a task running on the pool is a node that takes tasks.
     */
    private Pool verdict(AzureBatchApi api, String pool, AzureBatchOptions options, boolean noneRuns) {
        PoolInfo p = api.pool(pool);
        if (p == null) {
            String failed = options == null ? null : keeper.restore(api, options, pool);
            return new Pool(failed, failed != null ? null : "pool " + pool + " was gone" + (options == null ? ""
                    : "; it is being created again"));
        }
        if ("deleting".equalsIgnoreCase(p.state())) {
            return new Pool(null, "pool " + pool + " is being deleted" + (options == null ? ""
                    : "; it is created again once it is gone"));
        }
        if (!"steady".equalsIgnoreCase(p.allocationState())) {
            return new Pool(null, "pool " + pool + " is " + p.allocationState()); // no count: said again when it changes
        }
        if (p.nodes() == 0) {
            return !p.autoScale() && !p.resizeErrors().isEmpty()
                    ? new Pool("pool " + pool + " has no node and could not get one: "
                            + String.join("; ", p.resizeErrors()), null)
                    : new Pool(null, "pool " + pool + " has no node"
                            + (p.autoScale() ? " (its autoscale formula gave it none yet)" : ""));
        }
        if (p.autoScale() || !noneRuns) {
            return Pool.FINE;
        }
        List<BatchTypes.NodeInfo> nodes = api.poolNodes(pool);
        if (nodes.isEmpty() || !nodes.stream().allMatch(BulkMonitor::takesNoTask)) {
            return Pool.FINE;
        }
        String exits = nodes.stream().filter(n -> "starttaskfailed".equalsIgnoreCase(n.state()))
                .map(n -> String.valueOf(n.startTaskExitCode())).distinct().collect(Collectors.joining(", "));
        String errors = nodes.stream().filter(n -> "unusable".equalsIgnoreCase(n.state()))
                .flatMap(n -> n.errors().stream()).distinct().collect(Collectors.joining("; "));
        String why = exits.isEmpty() ? "is unusable (" + errors + ")"
                : errors.isEmpty() ? "failed its start task (exit code " + exits + ")"
                : "is unusable (" + errors + ") or failed its start task (exit code " + exits + ")";
        return new Pool("every node of pool " + pool + " " + why + ": Batch puts no task on them", null);
    }

    /**
     * A node Batch puts no task on, and will not by itself: its start task failed ({@code waitForSuccess}), or it is
     * {@code unusable} with an error that says why (a container image that cannot be pulled, an application package,
     * a network it cannot reach — the same on every node of the pool). An unusable node without an error may be a blip
     * Azure recovers from.
     */
    private static boolean takesNoTask(BatchTypes.NodeInfo n) {
        return "starttaskfailed".equalsIgnoreCase(n.state())
                || "unusable".equalsIgnoreCase(n.state()) && !n.errors().isEmpty();
    }

    private static Seen list(AzureBatchApi api, String job, Counts counts, Seen before, boolean full, Instant now) {
        String filter = full ? null : "state ne 'completed' or stateTransitionTime ge datetime'"
                + before.listedAt.minus(SKEW) + "'";
        Map<String, TaskInfo> tasks = full ? new HashMap<>() : new HashMap<>(before.tasks);
        for (TaskInfo t : api.listTasks(job, filter)) {
            tasks.put(t.id(), t);
        }
        return new Seen(counts, now, full ? now : before.fullAt, tasks);
    }

    /** Forgets a Batch job (released). */
    void forget(String account, String job) {
        seen.remove(account + "/" + job);
        poolOf.remove(account + "/" + job);
    }

    /**
     * A failure of Batch's own file transfer (resource files in, output files back — e.g. the storage account away
     * for a while), not of the command: another attempt, with fresh URLs, may well get through, so it does not
     * count against the task's retries ({@code conveyor.engine.infrastructure-retries}).
     */
    static boolean transfer(String failureCode) {
        return failureCode != null && (failureCode.startsWith("BlobDownload") || failureCode.startsWith("FileUpload"));
    }

    static TaskObservation observe(TaskInfo t) {
        String state = t.state() == null ? "" : t.state().toLowerCase(Locale.ROOT);
        return switch (state) {
            case "active" -> TaskObservation.queued();
            case "preparing", "running" -> TaskObservation.running(t.startTime());
            case "completed" -> {
                String reason = t.failureCode() == null ? null
                        : t.failureCode() + (t.failureMessage() == null ? "" : ": " + t.failureMessage());
                TaskObservation o = TaskObservation.ended(t.exitCode(), reason, t.startTime(), t.endTime());
                boolean wallClock = (t.failureCode() != null && t.failureCode().toLowerCase(Locale.ROOT).contains("wallclock"))
                        || (t.failureMessage() != null && t.failureMessage().toLowerCase(Locale.ROOT).contains("wall clock"));
                yield wallClock ? o.withTimedOut() : transfer(t.failureCode()) ? o.withInfrastructure() : o;
            }
            default -> TaskObservation.queued();
        };
    }
}
