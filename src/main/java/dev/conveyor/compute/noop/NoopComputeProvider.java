package dev.conveyor.compute.noop;

import dev.conveyor.compute.AttemptRecord;
import dev.conveyor.compute.ComputeException;
import dev.conveyor.compute.ComputeJob;
import dev.conveyor.compute.ComputeProvider;
import dev.conveyor.compute.ComputeTask;
import dev.conveyor.compute.TaskStatus;
import dev.conveyor.model.TaskState;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A provider that runs nothing: every submitted task is reported SUCCEEDED at once. For pipeline
 * benchmarks, where only the service's own overhead should be measured.
 */
public final class NoopComputeProvider implements ComputeProvider {
    private final Map<String, ComputeJob> jobs = new ConcurrentHashMap<>();

    @Override
    public String type() {
        return "noop";
    }

    @Override
    public void prepare(ComputeJob job) {
        // nothing to prepare
    }

    @Override
    public void submit(ComputeJob job) {
        jobs.putIfAbsent(job.jobId(), job);
    }

    @Override
    public List<TaskStatus> poll(ComputeJob job) {
        ComputeJob known = jobs.get(job.jobId());
        if (known == null) {
            throw new ComputeException("unknown job '" + job.jobId() + "'", false);
        }
        Instant now = Instant.now();
        return known.tasks().stream().map(t -> succeeded(t, now)).toList();
    }

    private static TaskStatus succeeded(ComputeTask task, Instant now) {
        AttemptRecord attempt = new AttemptRecord(1, TaskState.SUCCEEDED, 0, null, now, now, null, null);
        return new TaskStatus(task.id(), TaskState.SUCCEEDED, 0, null, List.of(attempt), List.of());
    }

    @Override
    public void cancel(ComputeJob job, String reason) {
        // nothing runs, so nothing to stop
    }

    @Override
    public void cleanup(ComputeJob job) {
        jobs.remove(job.jobId());
    }
}
