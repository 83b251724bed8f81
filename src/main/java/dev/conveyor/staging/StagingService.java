package dev.conveyor.staging;

import dev.conveyor.model.InputSpec;
import dev.conveyor.model.JobSpec;
import dev.conveyor.model.Json;
import dev.conveyor.model.TaskSpec;
import dev.conveyor.model.events.JobStaged;
import dev.conveyor.storage.JobKeys;
import dev.conveyor.storage.ObjectStore;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

/**
 * Puts everything a job needs into the object store under {@code jobs/<id>/}: the normalised spec
 * and each task's inputs (inline content or downloaded sources), streamed. Re-running it for the
 * same job overwrites the same keys, so a re-delivered event is harmless.
 */
public final class StagingService {
    private final ObjectStore store;
    private final InputSources sources;
    private final Clock clock;

    public StagingService(ObjectStore store, InputSources sources, Clock clock) {
        this.store = store;
        this.sources = sources;
        this.clock = clock;
    }

    public JobStaged stage(JobSpec job) throws StagingException {
        try {
            store.put(JobKeys.spec(job.id()), Json.bytes(job));
            for (TaskSpec task : job.tasks()) {
                for (InputSpec input : task.inputs()) {
                    String key = JobKeys.inputs(job.id(), task.id()) + input.path();
                    if (input.content() != null) {
                        store.put(key, input.content().getBytes(StandardCharsets.UTF_8));
                    } else {
                        try (InputStream in = sources.open(input.source())) {
                            store.put(key, in, -1);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new StagingException("staging to the " + store.type() + " object store failed: " + e.getMessage(), e);
        }
        return new JobStaged(job, clock.instant());
    }
}
