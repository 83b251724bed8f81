package dev.conveyor.compute.local;

import dev.conveyor.compute.ComputeJob;

import java.util.LinkedHashMap;
import java.util.Map;

/** In-memory state of one job: its tasks in the job's order. Guarded by the scheduler's lock. */
final class JobRun {
    final ComputeJob job;
    final Map<String, TaskRun> tasks = new LinkedHashMap<>();
    /** Non-null once the job was cancelled. */
    JobStore.CancelRecord cancel;

    JobRun(ComputeJob job) {
        this.job = job;
        job.tasks().forEach(t -> tasks.put(t.id(), new TaskRun(t)));
    }

    String id() {
        return job.jobId();
    }
}
