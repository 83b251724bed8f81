package dev.conveyor.compute.local;

import dev.conveyor.compute.ComputeException;
import dev.conveyor.compute.ComputeJob;
import dev.conveyor.compute.ComputeTask;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Rejects jobs the local provider could not run to an end: ids that are not safe directory names,
 * duplicate task ids, unknown dependencies, dependency cycles (their tasks would wait forever).
 */
final class JobValidator {
    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private JobValidator() {
    }

    static void checkId(String what, String id) {
        if (id == null || !SAFE_ID.matcher(id).matches()) {
            throw new ComputeException("invalid " + what + " '" + id + "': letters, digits, '.', '_' and '-' only", false);
        }
    }

    static void validate(ComputeJob job) {
        checkId("job id", job.jobId());
        if (job.tasks() == null || job.tasks().isEmpty()) {
            throw new ComputeException("job '" + job.jobId() + "' has no tasks", false);
        }
        Map<String, ComputeTask> byId = new HashMap<>();
        for (ComputeTask t : job.tasks()) {
            checkId("task id", t.id());
            if (byId.put(t.id(), t) != null) {
                throw new ComputeException("duplicate task id '" + t.id() + "'", false);
            }
        }
        for (ComputeTask t : job.tasks()) {
            for (String d : deps(t)) {
                if (!byId.containsKey(d)) {
                    throw new ComputeException("task '" + t.id() + "' depends on unknown task '" + d + "'", false);
                }
            }
        }
        Set<String> done = new HashSet<>();
        for (ComputeTask t : job.tasks()) {
            visit(t, byId, done, new HashSet<>());
        }
    }

    private static void visit(ComputeTask t, Map<String, ComputeTask> byId, Set<String> done, Set<String> path) {
        if (done.contains(t.id())) {
            return;
        }
        if (!path.add(t.id())) {
            throw new ComputeException("dependency cycle through task '" + t.id() + "'", false);
        }
        for (String d : deps(t)) {
            visit(byId.get(d), byId, done, path);
        }
        path.remove(t.id());
        done.add(t.id());
    }

    private static List<String> deps(ComputeTask t) {
        return t.dependsOn() == null ? List.of() : t.dependsOn();
    }
}
