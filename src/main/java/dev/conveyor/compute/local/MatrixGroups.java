package dev.conveyor.compute.local;

import dev.conveyor.model.MatrixGroup;
import dev.conveyor.model.TaskState;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The matrix-group rules: {@code maxParallel} cells at once, and {@code failFast}. */
final class MatrixGroups {
    private MatrixGroups() {
    }

    /** Whether one more cell of the task's group may start now. */
    static boolean hasRoom(JobRun job, TaskRun t) {
        Optional<MatrixGroup> group = groupOf(job, t);
        if (group.isEmpty() || group.get().maxParallel() <= 0) {
            return true;
        }
        long running = group.get().tasks().stream().map(job.tasks::get).filter(c -> c != null && c.running != null).count();
        return running < group.get().maxParallel();
    }

    /** A cell to stop because another cell of its fail-fast group failed for good. */
    record FailFast(TaskRun task, String reason) {
    }

    static List<FailFast> failFast(JobRun job) {
        List<FailFast> stops = new ArrayList<>();
        for (MatrixGroup g : job.job.groups()) {
            if (!g.failFast()) {
                continue;
            }
            Optional<TaskRun> failed = g.tasks().stream().map(job.tasks::get)
                    .filter(c -> c != null && c.outcome != null
                            && (c.outcome.state() == TaskState.FAILED || c.outcome.state() == TaskState.TIMED_OUT))
                    .findFirst();
            if (failed.isEmpty()) {
                continue;
            }
            String reason = "matrix cell '" + failed.get().id() + "' " + failed.get().outcome.state()
                    + " and '" + g.id() + "' is fail-fast";
            g.tasks().stream().map(job.tasks::get)
                    .filter(c -> c != null && c.outcome == null && (c.running == null || c.running.kill == null))
                    .forEach(c -> stops.add(new FailFast(c, reason)));
        }
        return stops;
    }

    private static Optional<MatrixGroup> groupOf(JobRun job, TaskRun t) {
        return job.job.groups().stream().filter(g -> g.id().equals(t.task.group())).findFirst();
    }
}
