package dev.conveyor.ui;

import dev.conveyor.compute.TaskHandle;
import dev.conveyor.compute.TaskObservation;
import dev.conveyor.compute.noop.NoopComputeBackend;
import dev.conveyor.engine.EngineSettings;
import dev.conveyor.engine.JobDriver;
import dev.conveyor.model.JobSpec;
import dev.conveyor.model.Json;
import dev.conveyor.storage.JobKeys;
import dev.conveyor.storage.file.FileObjectStore;
import dev.conveyor.testing.EngineRun;
import dev.conveyor.testing.Jobs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The job page's task table says what a task that has not started waits for, in the backend's words, from the run
 * state the engine saved — and stops saying it once the backend no longer does (the browser test's jobs run on
 * {@code local}, which never waits).
 */
class JobDetailsWaitingTest {
    @TempDir
    Path dir;

    @Test
    void aQueuedTaskShowsWhatItsBackendSaysItWaitsForAndNothingOnceItNoLongerSaysIt() throws Exception {
        JobSpec spec = Jobs.of("page-waiting", "tasks: [{id: t, command: 'echo t'}, {id: u, command: 'echo u', needs: [t]}]");
        FileObjectStore store = new FileObjectStore(dir);
        store.put(JobKeys.spec(spec.id()), Json.bytes(spec));
        JobDriver d = new EngineRun(new NoopComputeBackend(Clock.systemUTC()), store, EngineSettings.DEFAULT)
                .open(spec, Map.of());
        d.advance(Map.of(), null);
        TaskHandle t = d.activeHandles().get(0);

        d.advance(Map.of(t, TaskObservation.queued("pool p is resizing")), null);
        JobDetails page = JobDetails.load(store, spec.id());
        assertThat(page.tasks()).extracting(TaskRow::id, TaskRow::reason)
                .containsExactly(tuple("t", "waiting: pool p is resizing"),
                        tuple("u", ""));

        d.advance(Map.of(t, TaskObservation.queued(null)), null);
        assertThat(JobDetails.load(store, spec.id()).tasks()).extracting(TaskRow::reason).as("no longer said: not shown")
                .containsExactly("", "");
    }
}
