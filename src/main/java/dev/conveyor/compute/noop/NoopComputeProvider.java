package dev.conveyor.compute.noop;

import dev.conveyor.compute.AttemptRecord;
import dev.conveyor.compute.ComputeJob;
import dev.conveyor.compute.ComputeProvider;
import dev.conveyor.compute.TaskStatus;
import dev.conveyor.model.TaskState;

import java.time.Instant;
import java.util.List;

/** Every task "succeeds" at once: measures the pipeline alone, in benchmarks. (placeholder until merge) */
public final class NoopComputeProvider implements ComputeProvider {
    @Override
    public String type() {
        return "noop";
    }

    @Override
    public void prepare(ComputeJob job) {
    }

    @Override
    public void submit(ComputeJob job) {
    }

    @Override
    public List<TaskStatus> poll(ComputeJob job) {
        Instant now = Instant.now();
        return job.tasks().stream().map(t -> new TaskStatus(t.id(), TaskState.SUCCEEDED, 0, null,
                List.of(new AttemptRecord(1, TaskState.SUCCEEDED, 0, null, now, now, null, null)), List.of())).toList();
    }

    @Override
    public void cancel(ComputeJob job, String reason) {
    }

    @Override
    public void cleanup(ComputeJob job) {
    }
}
