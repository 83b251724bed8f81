package dev.conveyor.compute;

import java.util.List;
import java.util.Map;

/**
 * A job handed to a compute provider. Its id is deterministic (the Conveyor job id), so a
 * re-delivered dispatch finds the job already there and carries on.
 *
 * @param options  provider options from {@code runsOn.with}, already resolved on the service side
 */
public record ComputeJob(String jobId, Map<String, String> options, List<ComputeTask> tasks) {
}
