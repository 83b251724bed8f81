package dev.conveyor.emulator.azure;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Places active tasks on free node slots: jobs by priority, tasks in the order they were added, honouring
 * requiredSlots, maxParallelTasks, dependsOn and the pool's nodeFillType. Passes run on one thread and are
 * coalesced; call {@link #kick()} whenever something may have changed.
 */
final class Scheduler {
    private final BatchState state;
    private final TaskLifecycle lifecycle;
    private final JobLifecycle jobs;
    private final ExecutorService passes;
    private final AtomicBoolean pending = new AtomicBoolean();
    private TaskRunner runner;

    Scheduler(BatchState state, TaskLifecycle lifecycle, JobLifecycle jobs, ExecutorService passes) {
        this.state = state;
        this.lifecycle = lifecycle;
        this.jobs = jobs;
        this.passes = passes;
    }

    void connect(TaskRunner taskRunner) {
        this.runner = taskRunner;
    }

    void kick() {
        if (pending.compareAndSet(false, true) && !passes.isShutdown()) {
            try {
                passes.submit(() -> {
                    pending.set(false);
                    pass();
                });
            } catch (java.util.concurrent.RejectedExecutionException ignored) {
                // shutting down
            }
        }
    }

    private void pass() {
        record Start(Entities.Task task, int attempt) {
        }
        List<Start> starts = new ArrayList<>();
        synchronized (state) {
            List<Entities.Job> ordered = new ArrayList<>(state.jobs());
            ordered.forEach(jobs::settle);
            ordered.sort(Comparator.comparingInt((Entities.Job j) -> j.json.path("priority").asInt(0)).reversed());
            for (Entities.Job job : ordered) {
                if (!job.state().equals("active")) continue;
                Entities.Pool pool = state.poolOrNull(job.poolId());
                if (pool == null || !"active".equals(pool.json.path("state").asText())) continue;
                int maxParallel = job.json.path("maxParallelTasks").asInt(-1);
                long running = job.tasks.values().stream()
                        .filter(t -> t.state().equals("preparing") || t.state().equals("running")).count();
                for (Entities.Task task : job.tasks.values()) {
                    if (maxParallel >= 0 && running >= maxParallel) break;
                    if (!task.state().equals("active") || !dependenciesMet(job, task.json)) continue;
                    Entities.Node node = pickNode(pool, task.requiredSlots());
                    if (node == null) continue;
                    starts.add(new Start(task, lifecycle.claim(task, pool, node)));
                    running++;
                }
            }
        }
        for (Start s : starts) runner.start(s.task(), s.attempt());
    }

    private static Entities.Node pickNode(Entities.Pool pool, int slots) {
        boolean pack = "pack".equalsIgnoreCase(pool.json.path("taskSchedulingPolicy").path("nodeFillType").asText());
        Entities.Node best = null;
        for (Entities.Node n : pool.nodes) {
            if (!n.takesTasks()) continue; // its start task still runs, or failed
            int free = pool.slotsPerNode() - n.usedSlots;
            if (free < slots) continue;
            if (best == null) {
                best = n;
                continue;
            }
            int bestFree = pool.slotsPerNode() - best.usedSlots;
            if (pack ? free < bestFree : free > bestFree) best = n;
        }
        return best;
    }

    private static boolean dependenciesMet(Entities.Job job, JsonNode task) {
        JsonNode deps = task.path("dependsOn");
        if (deps.isMissingNode()) return true;
        for (JsonNode id : deps.path("taskIds")) {
            if (!satisfied(job, id.asText())) return false;
        }
        for (JsonNode range : deps.path("taskIdRanges")) {
            for (int i = range.path("start").asInt(); i <= range.path("end").asInt(); i++) {
                if (!satisfied(job, Integer.toString(i))) return false;
            }
        }
        return true;
    }

    private static boolean satisfied(Entities.Job job, String taskId) {
        Entities.Task dep = job.tasks.get(BatchState.key(taskId));
        return dep != null && dep.state().equals("completed") && ExitPolicy.satisfiesDependents(dep.json);
    }
}
