package dev.conveyor.model.result;

import com.fasterxml.jackson.databind.JsonNode;
import dev.conveyor.model.JobState;
import dev.conveyor.model.Problem;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The one result a job gets, on {@code conveyor.results}.
 *
 * @param request   the request record this result answers ("topic/partition/offset@timestamp"):
 *                  a REJECTED result answers one record and never claims the id, so a later valid
 *                  request with the same id still runs and gets its own result
 * @param document  where the full result is stored, when the record had to be shortened to fit
 *                  (see {@code truncated})
 * @param truncated what was left out of this record to keep it under the size bound, or null
 */
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
        List<TaskResult> tasks,
        String request,
        String document,
        String truncated) {
}
