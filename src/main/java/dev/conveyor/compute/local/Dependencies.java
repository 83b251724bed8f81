package dev.conveyor.compute.local;

import dev.conveyor.compute.ComputeTask;
import dev.conveyor.model.TaskState;

import java.util.List;

/** How a task stands with respect to the tasks it depends on. */
final class Dependencies {
    private Dependencies() {
    }

    /**
     * Why the task can never run (an upstream task ended other than SUCCEEDED), or null. A task that
     * runs {@code always} can always run once its upstream tasks have ended.
     */
    static String failedUpstream(JobRun job, TaskRun t) {
        if (t.task.always()) {
            return null;
        }
        for (String dep : of(t.task)) {
            TaskRun d = job.tasks.get(dep);
            if (d.outcome != null && d.outcome.state() != TaskState.SUCCEEDED) {
                return "upstream task '" + dep + "' " + d.outcome.state();
            }
        }
        return null;
    }

    /** Whether the task may start: its upstream tasks all succeeded (or, for {@code always}, all ended). */
    static boolean ready(JobRun job, TaskRun t) {
        return t.task.always()
                ? of(t.task).stream().allMatch(d -> job.tasks.get(d).outcome != null)
                : of(t.task).stream().allMatch(d -> job.tasks.get(d).state() == TaskState.SUCCEEDED);
    }

    static List<String> of(ComputeTask t) {
        return t.dependsOn() == null ? List.of() : t.dependsOn();
    }
}
