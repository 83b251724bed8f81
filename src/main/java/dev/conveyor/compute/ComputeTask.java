package dev.conveyor.compute;

import dev.conveyor.model.OutputSpec;

import java.util.List;
import java.util.Map;

/**
 * One task as a compute provider sees it: everything already staged in the object store.
 *
 * @param dependsOn       ids (within the same job) that must SUCCEED before this task starts;
 *                        if one ends otherwise this task is SKIPPED
 * @param inputs          object-store objects to place in the working directory before start
 * @param outputs         patterns uploaded on completion to {@code outputPrefix}
 * @param outputPrefix    object-store key prefix for this task's output files (ends with '/')
 * @param logPrefix       object-store key prefix for stdout.txt / stderr.txt of each attempt (ends with '/')
 * @param maxRetries      extra attempts after a failure (timed-out attempts count as failures)
 * @param timeoutSeconds  per-attempt wall-clock limit, 0 = none
 */
public record ComputeTask(
        String id,
        String command,
        Map<String, String> env,
        List<String> dependsOn,
        List<StagedInput> inputs,
        List<OutputSpec> outputs,
        String outputPrefix,
        String logPrefix,
        int maxRetries,
        long timeoutSeconds,
        String image) {
}
