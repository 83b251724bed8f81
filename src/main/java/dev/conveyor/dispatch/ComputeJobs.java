package dev.conveyor.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.conveyor.compute.ComputeJob;
import dev.conveyor.compute.ComputeTask;
import dev.conveyor.compute.StagedInput;
import dev.conveyor.model.JobSpec;
import dev.conveyor.model.OutputRef;
import dev.conveyor.model.TaskSpec;
import dev.conveyor.storage.JobKeys;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns a normalised job into what a provider runs. Every task gets its staged inputs, and the
 * output files of each task it needs, in its working directory; params arrive as environment
 * variables ({@code CONVEYOR_PARAM_<NAME>}), never spliced into the command.
 */
public final class ComputeJobs {
    private ComputeJobs() {
    }

    public static ComputeJob of(JobSpec job, Map<String, String> resolvedOptions) {
        List<ComputeTask> tasks = new ArrayList<>(job.tasks().size());
        for (TaskSpec t : job.tasks()) {
            List<StagedInput> inputs = new ArrayList<>();
            for (String upstream : t.needs()) {
                inputs.add(new StagedInput(JobKeys.outputs(job.id(), upstream), "", true));
            }
            if (!t.inputs().isEmpty()) {
                inputs.add(new StagedInput(JobKeys.inputs(job.id(), t.id()), "", true));
            }
            Map<String, String> env = new LinkedHashMap<>();
            job.params().forEach((k, v) -> env.put("CONVEYOR_PARAM_" + k.toUpperCase(Locale.ROOT), text(v)));
            env.putAll(t.env());
            List<String> valuesFrom = t.outputRefs().stream().map(OutputRef::task).distinct()
                    .filter(task -> !t.needs().contains(task)).toList();
            tasks.add(new ComputeTask(t.id(), t.command(), Map.copyOf(env), t.needs(), List.copyOf(inputs),
                    t.outputs(), JobKeys.outputs(job.id(), t.id()), JobKeys.logs(job.id(), t.id()),
                    t.retries(), t.timeoutSeconds(), t.image(), t.always(), t.group(), valuesFrom));
        }
        return new ComputeJob(job.id(), resolvedOptions, List.copyOf(tasks), job.matrixGroups());
    }

    /** Options left unresolved: for calls (poll, cancel, cleanup) that only need the job's identity. */
    public static ComputeJob of(JobSpec job) {
        return of(job, job.runsOn().with());
    }

    private static String text(JsonNode v) {
        return v.isValueNode() ? v.asText() : v.toString();
    }
}
