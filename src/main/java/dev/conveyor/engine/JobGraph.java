package dev.conveyor.engine;

import dev.conveyor.model.JobSpec;
import dev.conveyor.model.MatrixGroup;
import dev.conveyor.model.TaskSpec;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A job's task graph, computed once: tasks by id, a topological order (upstream before
 * downstream), and matrix groups by cell. Submission already rejected cycles and unknown needs.
 */
public final class JobGraph {
    private final JobSpec spec;
    private final Map<String, TaskSpec> tasks = new LinkedHashMap<>();
    private final List<TaskSpec> order;
    private final Map<String, MatrixGroup> groupOfTask = new HashMap<>();

    public JobGraph(JobSpec spec) {
        this.spec = spec;
        spec.tasks().forEach(t -> tasks.put(t.id(), t));
        for (MatrixGroup g : spec.matrixGroups()) {
            g.tasks().forEach(id -> groupOfTask.put(id, g));
        }
        this.order = topological();
    }

    public JobSpec spec() {
        return spec;
    }

    public TaskSpec task(String id) {
        TaskSpec t = tasks.get(id);
        if (t == null) {
            throw new IllegalArgumentException("no task " + id + " in job " + spec.id());
        }
        return t;
    }

    /** Upstream tasks come before the tasks that need them. */
    public List<TaskSpec> order() {
        return order;
    }

    /** The matrix group the task is a cell of, or null. */
    public MatrixGroup group(String taskId) {
        return groupOfTask.get(taskId);
    }

    public List<MatrixGroup> groups() {
        return spec.matrixGroups();
    }

    private List<TaskSpec> topological() {
        Map<String, Integer> indegree = new HashMap<>();
        Map<String, List<String>> dependents = new HashMap<>();
        for (TaskSpec t : tasks.values()) {
            indegree.putIfAbsent(t.id(), 0);
            for (String d : t.needs()) {
                if (tasks.containsKey(d)) {
                    indegree.merge(t.id(), 1, Integer::sum);
                    dependents.computeIfAbsent(d, k -> new ArrayList<>()).add(t.id());
                }
            }
        }
        Deque<String> ready = new ArrayDeque<>();
        tasks.keySet().forEach(id -> {
            if (indegree.get(id) == 0) {
                ready.add(id);
            }
        });
        List<TaskSpec> out = new ArrayList<>(tasks.size());
        while (!ready.isEmpty()) {
            String id = ready.poll();
            out.add(tasks.get(id));
            for (String next : dependents.getOrDefault(id, List.of())) {
                if (indegree.merge(next, -1, Integer::sum) == 0) {
                    ready.add(next);
                }
            }
        }
        if (out.size() != tasks.size()) {
            throw new IllegalArgumentException("job " + spec.id() + " has a dependency cycle");
        }
        return List.copyOf(out);
    }
}
