package dev.conveyor.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.conveyor.model.JobSpec;
import dev.conveyor.model.TaskSpec;
import dev.conveyor.model.TaskValues;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The environment a task's command sees, the same on every backend: {@code CONVEYOR_PARAM_<NAME>}
 * per param, the task's {@code env} (with its template and matrix variables), the job and task
 * ids, and {@code CONVEYOR_NEEDS_<TASK>_<KEY>} for every value of the tasks it reads from.
 * Values reach the process as variables, never spliced into the command.
 */
final class TaskEnvironment {
    private TaskEnvironment() {
    }

    static Map<String, String> of(JobSpec job, TaskSpec task, Map<String, Map<String, String>> upstream) {
        Map<String, String> env = new LinkedHashMap<>();
        job.params().forEach((k, v) -> env.put("CONVEYOR_PARAM_" + k.toUpperCase(Locale.ROOT), text(v)));
        env.putAll(task.env());
        env.putAll(TaskValues.env(upstream));
        env.put("CONVEYOR_JOB_ID", job.id());
        env.put("CONVEYOR_TASK_ID", task.id());
        return env;
    }

    private static String text(JsonNode v) {
        return v.isValueNode() ? v.asText() : v.toString();
    }
}
