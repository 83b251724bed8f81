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
 * @param always          start once every task in {@code dependsOn} has ended, whatever its state
 *                        (instead of being SKIPPED when one did not succeed)
 * @param group           the matrix task this task is a cell of (its own id when not a matrix cell)
 * @param valuesFrom      further tasks (beyond {@code dependsOn}) whose key/value outputs the task reads
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
        String image,
        boolean always,
        String group,
        List<String> valuesFrom) {

    public ComputeTask {
        group = group == null ? id : group;
        valuesFrom = valuesFrom == null ? List.of() : valuesFrom;
    }

    /** A plain task: skipped when an upstream task does not succeed, its own group, no extra values. */
    public ComputeTask(String id, String command, Map<String, String> env, List<String> dependsOn,
                       List<StagedInput> inputs, List<OutputSpec> outputs, String outputPrefix, String logPrefix,
                       int maxRetries, long timeoutSeconds, String image) {
        this(id, command, env, dependsOn, inputs, outputs, outputPrefix, logPrefix, maxRetries, timeoutSeconds, image,
                false, id, List.of());
    }
}
