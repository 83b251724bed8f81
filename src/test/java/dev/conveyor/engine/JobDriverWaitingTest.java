package dev.conveyor.engine;

import dev.conveyor.compute.BackendJob;
import dev.conveyor.compute.TaskHandle;
import dev.conveyor.compute.TaskObservation;
import dev.conveyor.compute.noop.NoopComputeBackend;
import dev.conveyor.credentials.Profile;
import dev.conveyor.model.JobSpec;
import dev.conveyor.model.TaskState;
import dev.conveyor.retry.CallPolicy;
import dev.conveyor.retry.RetrySettings;
import dev.conveyor.storage.file.FileObjectStore;
import dev.conveyor.testing.Jobs;
import dev.conveyor.testing.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a queued attempt waits for, as its backend says it: kept with the run state (the latest word only), said in a
 * task PENDING event once per reason (one event for the tasks that begin to wait for it together), and given in the
 * reason of an attempt stopped before it ever ran.
 */
class JobDriverWaitingTest {
    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-07T10:00:00Z"));
    private final JobSpec spec = Jobs.of("waiting", "tasks: [{id: t, command: 'echo t'}]");

    @Test
    void theLatestWordOfTheBackendIsSaidOnceAndEndsInTheReasonOfAnAttemptThatNeverStarted() throws Exception {
        FileObjectStore store = new FileObjectStore(dir);
        BackendJob job = new BackendJob(spec.id(), spec.name(), Map.of(), new Profile("default", null, null, Map.of()),
                spec.labels(), null, Map.of());
        JobDriver d = new JobDriver(spec, job, new NoopComputeBackend(clock), new CallPolicy("noop", RetrySettings.quick(3)),
                store, EngineSettings.DEFAULT, clock);
        d.open();
        d.advance(Map.of(), null);
        TaskHandle h = d.activeHandles().get(0);

        assertThat(waitingEvents(d.advance(Map.of(h, TaskObservation.queued("CAPACITY:X - none")), null)))
                .containsExactly("waiting: CAPACITY:X - none");
        assertThat(new RunStore(store).latest(spec.id()).orElseThrow().task("t").waitingFor).as("saved")
                .isEqualTo("CAPACITY:X - none");
        assertThat(waitingEvents(d.advance(Map.of(h, TaskObservation.queued("CAPACITY:X - none")), null)))
                .as("said once").isEmpty();
        assertThat(waitingEvents(d.advance(Map.of(h, TaskObservation.queued(null)), null))).isEmpty();
        assertThat(d.state().task("t").waitingFor).as("the backend no longer says it: not kept").isNull();
        assertThat(waitingEvents(d.advance(Map.of(h, TaskObservation.queued("pool p is resizing")), null)))
                .containsExactly("waiting: pool p is resizing");

        d.advance(Map.of(h, TaskObservation.queued("pool p is resizing")), "user asked");
        d.advance(Map.of(h, TaskObservation.ended(null, "terminated", null, null)), null);

        assertThat(d.state().task("t").state).isEqualTo(TaskState.CANCELLED);
        assertThat(d.state().task("t").reason)
                .isEqualTo("cancelled: user asked (it never started on the backend, which said: pool p is resizing)");
    }

    /** A pool that resizes under 3 waiting tasks is one event, not three: a 10,000-task job would say it 10,000 times. */
    @Test
    void tasksThatBeginToWaitForTheSameThingAreSaidOnceWithTheirCount() throws Exception {
        JobSpec three = Jobs.of("waiting-3", "tasks: [{id: a, command: 'echo a'}, {id: b, command: 'echo b'}, "
                + "{id: c, command: 'echo c'}]");
        BackendJob job = new BackendJob(three.id(), three.name(), Map.of(), new Profile("default", null, null, Map.of()),
                three.labels(), null, Map.of());
        JobDriver d = new JobDriver(three, job, new NoopComputeBackend(clock), new CallPolicy("noop", RetrySettings.quick(3)),
                new FileObjectStore(dir), EngineSettings.DEFAULT, clock);
        d.open();
        d.advance(Map.of(), null);
        Map<TaskHandle, TaskObservation> resizing = new java.util.LinkedHashMap<>();
        d.activeHandles().forEach(h -> resizing.put(h, TaskObservation.queued("pool p is resizing")));

        JobDriver.Advance a = d.advance(resizing, null);

        assertThat(a.events()).filteredOn(e -> e.state() == TaskState.PENDING).singleElement().satisfies(e ->
                assertThat(e.reason()).isEqualTo("waiting: pool p is resizing (and 2 other tasks)"));
        assertThat(d.state().tasks.values()).as("each task keeps it, for its own reason if stopped")
                .allSatisfy(t -> assertThat(t.waitingFor).isEqualTo("pool p is resizing"));
    }

    private static List<String> waitingEvents(JobDriver.Advance a) {
        return a.events().stream().filter(e -> e.state() == TaskState.PENDING).map(Step.TaskEvent::reason).toList();
    }
}
