package dev.conveyor.model;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A validated, normalised job: what submission hands to the rest of the pipeline.
 *
 * @param params          resolved parameter values (request values over defaults)
 * @param timeoutSeconds  job-level wall-clock limit, 0 = none
 */
public record JobSpec(
        String id,
        String name,
        Map<String, JsonNode> params,
        RunsOn runsOn,
        long timeoutSeconds,
        Map<String, String> labels,
        List<TaskSpec> tasks,
        Instant submittedAt) {

    public TaskSpec task(String taskId) {
        return tasks.stream().filter(t -> t.id().equals(taskId)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no task " + taskId + " in job " + id));
    }
}
