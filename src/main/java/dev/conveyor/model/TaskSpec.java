package dev.conveyor.model;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;

/**
 * One normalised task: every default applied, every reference checked, every matrix expanded and
 * every {@code ${{ }}} template resolved.
 *
 * @param command         shell text run by {@code sh -c}; user values are never spliced into it: a
 *                        template became a {@code "${CONVEYOR_T_<n>}"} (or {@code CONVEYOR_NEEDS_…})
 *                        reference to an environment variable
 * @param env             environment variables: the request's {@code env} (templates substituted),
 *                        {@code CONVEYOR_T_<n>} for the templates of the command and
 *                        {@code CONVEYOR_MATRIX_<KEY>} for each matrix value of a matrix cell
 * @param needs           ids of tasks that must succeed first (a matrix task's cells when the request
 *                        named the matrix task: fan-in)
 * @param retries         extra attempts after a failed one (0 = run once)
 * @param timeoutSeconds  wall-clock limit per attempt, 0 = none
 * @param matrix          the values of this matrix cell (axis/include key → value); empty when the
 *                        task has no matrix strategy
 * @param group           the id the task has in the request: its own id, or the matrix task's id for
 *                        each of its cells ({@code build} for {@code build-0}, {@code build-1}, …)
 * @param always          run even when a task it needs failed, was skipped or was cancelled (it
 *                        still waits for them to end); false = skip it then
 * @param outputRefs      upstream output values the command reads: before the task starts, the
 *                        engine sets each {@code env} variable to the value {@code key} that task
 *                        {@code task} emitted (empty string if it emitted none)
 * @param resources       vCPUs, memory and GPUs one attempt needs (zero = the backend's default)
 */
public record TaskSpec(
        String id,
        String command,
        Map<String, String> env,
        List<InputSpec> inputs,
        List<OutputSpec> outputs,
        List<String> needs,
        int retries,
        long timeoutSeconds,
        String image,
        Map<String, JsonNode> matrix,
        String group,
        boolean always,
        List<OutputRef> outputRefs,
        TaskResources resources) {

    public TaskSpec {
        // Empty collections shared, not one of each per task: a job holds up to 10,000 tasks and a
        // service up to 100,000 in flight.
        env = env == null || env.isEmpty() ? Map.of() : env;
        inputs = inputs == null || inputs.isEmpty() ? List.of() : inputs;
        outputs = outputs == null || outputs.isEmpty() ? List.of() : outputs;
        needs = needs == null || needs.isEmpty() ? List.of() : needs;
        matrix = matrix == null || matrix.isEmpty() ? Map.of() : matrix;
        group = group == null ? id : group;
        outputRefs = outputRefs == null || outputRefs.isEmpty() ? List.of() : outputRefs;
        resources = resources == null || resources.equals(TaskResources.NONE) ? TaskResources.NONE : resources;
    }

    public TaskSpec(String id, String command, Map<String, String> env, List<InputSpec> inputs,
                    List<OutputSpec> outputs, List<String> needs, int retries, long timeoutSeconds, String image,
                    Map<String, JsonNode> matrix, String group, boolean always, List<OutputRef> outputRefs) {
        this(id, command, env, inputs, outputs, needs, retries, timeoutSeconds, image, matrix, group, always, outputRefs,
                TaskResources.NONE);
    }

    /** A plain task: no matrix, its own group, skipped when an upstream task does not succeed. */
    public TaskSpec(String id, String command, Map<String, String> env, List<InputSpec> inputs,
                    List<OutputSpec> outputs, List<String> needs, int retries, long timeoutSeconds, String image) {
        this(id, command, env, inputs, outputs, needs, retries, timeoutSeconds, image, Map.of(), id, false, List.of());
    }
}
