package dev.conveyor.model;

import java.util.List;
import java.util.Map;

/**
 * One normalised task: every default applied, every reference checked.
 *
 * @param command         shell text run by {@code sh -c} (never has user values spliced in)
 * @param needs           ids of tasks that must succeed first
 * @param retries         extra attempts after a failed one (0 = run once)
 * @param timeoutSeconds  wall-clock limit per attempt, 0 = none
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
        String image) {
}
