package dev.conveyor.compute;

import dev.conveyor.model.MatrixGroup;

import java.util.List;
import java.util.Map;

/**
 * A job handed to a compute provider. Its id is deterministic (the Conveyor job id), so a
 * re-delivered dispatch finds the job already there and carries on.
 *
 * @param options  provider options from {@code runsOn.with}, already resolved on the service side
 * @param groups   matrix groups: at most {@code maxParallel} of a group's tasks run at once, and with
 *                 {@code failFast} the first one that fails for good stops the others
 */
public record ComputeJob(String jobId, Map<String, String> options, List<ComputeTask> tasks, List<MatrixGroup> groups) {

    public ComputeJob {
        groups = groups == null ? List.of() : groups;
    }

    public ComputeJob(String jobId, Map<String, String> options, List<ComputeTask> tasks) {
        this(jobId, options, tasks, List.of());
    }
}
