package dev.conveyor.compute.local;

import dev.conveyor.compute.ComputeJob;
import dev.conveyor.compute.ComputeTask;
import dev.conveyor.compute.StagedInput;
import dev.conveyor.model.OutputSpec;
import dev.conveyor.storage.JobKeys;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Test helper: builds ComputeTasks with the usual key layout. */
final class TaskBuilder {
    private final String jobId;
    private final String id;
    private final String command;
    private final Map<String, String> env = new LinkedHashMap<>();
    private final List<String> dependsOn = new ArrayList<>();
    private final List<StagedInput> inputs = new ArrayList<>();
    private final List<OutputSpec> outputs = new ArrayList<>();
    private int maxRetries;
    private long timeoutSeconds;

    private TaskBuilder(String jobId, String id, String command) {
        this.jobId = jobId;
        this.id = id;
        this.command = command;
    }

    static TaskBuilder task(String jobId, String id, String command) {
        return new TaskBuilder(jobId, id, command);
    }

    TaskBuilder env(String k, String v) {
        env.put(k, v);
        return this;
    }

    TaskBuilder dependsOn(String... ids) {
        dependsOn.addAll(List.of(ids));
        return this;
    }

    TaskBuilder input(String key, String path, boolean prefix) {
        inputs.add(new StagedInput(key, path, prefix));
        return this;
    }

    TaskBuilder output(String pattern, OutputSpec.When when) {
        outputs.add(new OutputSpec(pattern, when));
        return this;
    }

    TaskBuilder retries(int n) {
        maxRetries = n;
        return this;
    }

    TaskBuilder timeout(long seconds) {
        timeoutSeconds = seconds;
        return this;
    }

    ComputeTask build() {
        return new ComputeTask(id, command, env, dependsOn, inputs, outputs, JobKeys.outputs(jobId, id),
                JobKeys.logs(jobId, id), maxRetries, timeoutSeconds, null);
    }

    static ComputeJob job(String jobId, TaskBuilder... tasks) {
        return new ComputeJob(jobId, Map.of(), List.of(tasks).stream().map(TaskBuilder::build).toList());
    }
}
