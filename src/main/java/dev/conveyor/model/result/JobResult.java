package dev.conveyor.model.result;

import com.fasterxml.jackson.databind.JsonNode;
import dev.conveyor.model.JobState;
import dev.conveyor.model.Problem;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The one result a job gets, on {@code conveyor.results}. */
public record JobResult(
        String jobId,
        String name,
        JobState status,
        String reason,
        List<Problem> problems,
        String runsOn,
        Map<String, JsonNode> params,
        Map<String, String> labels,
        Instant submittedAt,
        Instant startedAt,
        Instant finishedAt,
        Long durationMs,
        List<TaskResult> tasks) {
}
