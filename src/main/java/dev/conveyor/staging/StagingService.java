package dev.conveyor.staging;

import dev.conveyor.model.InputSpec;
import dev.conveyor.model.JobSpec;
import dev.conveyor.model.TaskSpec;
import dev.conveyor.model.events.JobStaged;
import dev.conveyor.model.events.JobSubmitted;
import dev.conveyor.storage.JobKeys;
import dev.conveyor.storage.JobSpecs;
import dev.conveyor.storage.ObjectStore;
import dev.conveyor.storage.StoreUnavailableException;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Puts each task's inputs (inline content or downloaded sources) into the object store under
 * {@code jobs/<id>/tasks/<task>/inputs/}, streamed. Re-running it for the same job overwrites the
 * same keys, so a re-delivered event is harmless; a job that already has its result is left alone.
 */
public final class StagingService {
    private final ObjectStore store;
    private final JobSpecs specs;
    private final InputSources sources;
    private final Clock clock;

    public StagingService(ObjectStore store, InputSources sources, Clock clock) {
        this.store = store;
        this.specs = new JobSpecs(store);
        this.sources = sources;
        this.clock = clock;
    }

    public JobSpec spec(JobSubmitted event) throws IOException {
        return specs.load(event.specKey(), event.specHash());
    }

    /**
     * Stages the job's inputs (the stage has made sure it is neither cancelled nor answered:
     * {@link dev.conveyor.control.CancelRegistry#check}).
     *
     * @return the staged event
     * @throws StoreUnavailableException when the store is unavailable (retried by the stage)
     * @throws IOException when the store refuses a write (the job fails naming the store, not the input)
     * @throws StagingException when an input or its source cannot be read (the job fails with this reason)
     */
    public JobStaged stage(JobSubmitted event, JobSpec job) throws IOException, StagingException {
        Map<String, InputSpec> inputs = new LinkedHashMap<>();
        Map<String, String> taskOf = new HashMap<>();
        for (TaskSpec task : job.tasks()) {
            for (InputSpec input : task.inputs()) {
                String key = JobKeys.inputs(job.id(), task.id()) + input.path();
                inputs.put(key, input);
                taskOf.put(key, task.id());
            }
        }
        // each input on its own: at once on S3 or Blob, in turn on a folder
        try {
            store.each(List.copyOf(inputs.keySet()), key -> {
                InputSpec input = inputs.get(key);
                if (input.content() != null) {
                    store.put(key, input.content().getBytes(StandardCharsets.UTF_8));
                    return Boolean.TRUE;
                }
                SourceStream in;
                try {
                    in = new SourceStream(sources.open(input.source()));
                } catch (StagingException e) {
                    throw new NotStaged(e);
                }
                try (in) {
                    store.put(key, in, -1);
                } catch (IOException e) {
                    if (in.failure == null) {
                        throw e; // the store's own failure: retried when transient, else the job fails naming the store
                    }
                    throw new NotStaged(new StagingException("staging '" + input.path() + "' of task '" + taskOf.get(key)
                            + "' failed: its source could not be read: " + in.failure.getMessage(), in.failure, true));
                }
                return Boolean.TRUE;
            });
        } catch (NotStaged e) {
            throw e.reason;
        }
        return new JobStaged(job.id(), event.specKey(), event.specHash(), event.request(), clock.instant());
    }

    /**
     * A source as the store reads it, remembering a failure to read it — so that an upload that fails is told
     * apart: the source's fault (the input's, the job fails naming it) or the store's (retried, or reported as
     * the store's).
     */
    private static final class SourceStream extends FilterInputStream {
        volatile IOException failure;

        SourceStream(InputStream in) {
            super(in);
        }

        private interface Read {
            long read() throws IOException;
        }

        private long source(Read read) throws IOException {
            try {
                return read.read();
            } catch (IOException e) {
                failure = e;
                throw e;
            }
        }

        @Override
        public int read() throws IOException {
            return (int) source(in::read);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return (int) source(() -> in.read(b, off, len));
        }

        @Override
        public long skip(long n) throws IOException {
            return source(() -> in.skip(n));
        }

        @Override
        public void close() {
            try {
                super.close();
            } catch (IOException e) {
                // what was read is stored (or the put failed on its own): closing the source changes neither
            }
        }
    }

    /** Carries a {@link StagingException} out of a store call. */
    private static final class NotStaged extends IOException {
        final StagingException reason;

        NotStaged(StagingException reason) {
            super(reason.getMessage(), reason);
            this.reason = reason;
        }
    }
}
