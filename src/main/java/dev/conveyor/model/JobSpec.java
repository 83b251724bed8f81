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
 * @param matrixGroups    one entry per matrix task of the request: its cells and how many may run
 *                        at once; empty when the request has no matrix
 */
public record JobSpec(
        String id,
        String name,
        Map<String, JsonNode> params,
        RunsOn runsOn,
        long timeoutSeconds,
        Map<String, String> labels,
        List<TaskSpec> tasks,
        Instant submittedAt,
        List<MatrixGroup> matrixGroups) {

    public JobSpec {
        matrixGroups = matrixGroups == null ? List.of() : matrixGroups;
    }

    /** A job without matrix tasks. */
    public JobSpec(String id, String name, Map<String, JsonNode> params, RunsOn runsOn, long timeoutSeconds,
                   Map<String, String> labels, List<TaskSpec> tasks, Instant submittedAt) {
        this(id, name, params, runsOn, timeoutSeconds, labels, tasks, submittedAt, List.of());
    }

    public TaskSpec task(String taskId) {
        return tasks.stream().filter(t -> t.id().equals(taskId)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no task " + taskId + " in job " + id));
    }
}
