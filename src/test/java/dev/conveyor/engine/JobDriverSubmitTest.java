package dev.conveyor.engine;

import dev.conveyor.compute.BackendJob;
import dev.conveyor.compute.Capabilities;
import dev.conveyor.compute.ComputeBackend;
import dev.conveyor.compute.TaskHandle;
import dev.conveyor.compute.TaskLaunch;
import dev.conveyor.compute.TaskObservation;
import dev.conveyor.compute.TransientComputeException;
import dev.conveyor.compute.noop.NoopComputeBackend;
import dev.conveyor.credentials.Profile;
import dev.conveyor.model.JobSpec;
import dev.conveyor.retry.CallPolicy;
import dev.conveyor.retry.RetrySettings;
import dev.conveyor.storage.file.FileObjectStore;
import dev.conveyor.testing.Jobs;
import dev.conveyor.testing.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntConsumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Submitting where a submit is not idempotent (AWS Batch's SubmitJob: each call starts a new run): an
 * attempt saved SUBMITTING is this instance's to send only within its submit window, because another
 * instance recovers it once the grace period has passed (a rebalance moved the job while this one was
 * still submitting). A long batch renews the claim; a lost claim stops the sending; a retried call sends
 * only what the failed one did not. Every attempt reaches the backend exactly once.
 */
class JobDriverSubmitTest {
    private static final Duration GRACE = Duration.ofSeconds(30); // the default: a 20 s submit window

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-07T10:00:00Z"));

    /** Three independent tasks: released together, one per submit call (the backend takes one at a time). */
    private final JobSpec spec = Jobs.of("submitting", """
            tasks:
              - {id: a, command: 'echo a'}
              - {id: b, command: 'echo b'}
              - {id: c, command: 'echo c'}
            """);

    private JobDriver driver(RunOnce backend, FileObjectStore store) {
        BackendJob job = new BackendJob(spec.id(), spec.name(), Map.of(), new Profile("default", null, null, Map.of()),
                spec.labels(), null, Map.of());
        return new JobDriver(spec, job, backend, new CallPolicy("run-once", RetrySettings.quick(3)), store,
                EngineSettings.DEFAULT.withTimeoutGrace(GRACE), clock);
    }

    @Test
    void aBatchLongerThanTheWindowRenewsTheClaimAndSendsEverythingOnce() throws Exception {
        FileObjectStore store = new FileObjectStore(dir);
        RunOnce backend = new RunOnce(clock, 1);
        backend.afterCall = n -> clock.advance(Duration.ofSeconds(12)); // each call slow: three take 36 s
        JobDriver d = driver(backend, store);
        d.open();

        d.advance(Map.of(), null);

        assertThat(backend.sent).containsExactly("a", "b", "c");
        assertThat(backend.refused).as("every call within its window").isEmpty();
        assertThat(d.state().tasks.values()).allSatisfy(t -> assertThat(t.phase).isEqualTo(Phase.ACTIVE));
        // the run state was saved again before b (12 s in) and c (24 s in): claims renewed, not one save per call
        assertThat(new RunStore(store).latest(spec.id()).orElseThrow().version).isEqualTo(d.state().version);
        assertThat(d.state().version).as("open, the step, two renewals, the handles").isEqualTo(5);
    }

    @Test
    void anOwnerThatLostTheJobWhileSubmittingSendsNothingMore() throws Exception {
        FileObjectStore store = new FileObjectStore(dir);
        RunOnce backend = new RunOnce(clock, 1);
        JobDriver first = driver(backend, store);
        first.open();
        JobDriver[] second = new JobDriver[1];
        backend.afterCall = n -> {
            if (n == 1) { // the first call hangs past the grace period; the job moves to another instance meanwhile
                clock.advance(GRACE.plusSeconds(1));
                try {
                    second[0] = driver(backend, store);
                    second[0].open();
                    second[0].advance(Map.of(), null); // recovers a (found on the backend), submits b and c
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        };

        first.advance(Map.of(), null);

        assertThat(backend.sent).as("each attempt reached the backend once").containsExactlyInAnyOrder("a", "b", "c");
        assertThat(second[0].state().tasks.values()).allSatisfy(t -> assertThat(t.phase).isEqualTo(Phase.ACTIVE));
        assertThat(first.state().version).as("the first owner reloaded the new owner's run state")
                .isEqualTo(second[0].state().version);
    }

    @Test
    void aRetriedBatchSendsOnlyWhatTheFailedCallDidNotGetThrough() throws Exception {
        FileObjectStore store = new FileObjectStore(dir);
        RunOnce backend = new RunOnce(clock, 3);
        backend.failAfterSending = 1; // the first call sends a, then fails (a 5xx on b)
        JobDriver d = driver(backend, store);
        d.open();

        d.advance(Map.of(), null);

        assertThat(backend.sent).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(d.state().tasks.values()).allSatisfy(t -> assertThat(t.phase).isEqualTo(Phase.ACTIVE));
        assertThat(d.state().task("a").handle).isEqualTo(backend.handles.get("a").ref());
    }

    @Test
    void aRetryAfterTheWindowClosedLeavesTheBatchToRecovery() throws Exception {
        FileObjectStore store = new FileObjectStore(dir);
        RunOnce backend = new RunOnce(clock, 3);
        backend.failAfterSending = 1;
        backend.afterCall = n -> clock.advance(Duration.ofSeconds(25)); // the failed call took the whole window
        JobDriver d = driver(backend, store);
        d.open();

        d.advance(Map.of(), null);

        assertThat(backend.sent).as("nothing sent after the window").containsExactly("a");
        assertThat(List.of("a", "b", "c")).allSatisfy(t -> assertThat(d.state().task(t).phase).isEqualTo(Phase.SUBMITTING));

        clock.advance(GRACE); // the next turn after the grace period: a found, b and c sent
        backend.afterCall = n -> { };
        d.advance(Map.of(), null);

        assertThat(backend.sent).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(d.state().tasks.values()).allSatisfy(t -> assertThat(t.phase).isEqualTo(Phase.ACTIVE));
    }

    @Test
    void whereEachSendStartsARunANewOwnerWaitsForTheGracePeriodBeforeSubmittingWhatACrashLeft() throws Exception {
        RunOnce backend = new RunOnce(clock, 3);
        JobDriver next = takenOverAfterACrash(backend);
        next.advance(Map.of(), null);
        assertThat(backend.sent).as("the old owner may still be sending them").isEmpty();

        clock.advance(GRACE);
        next.advance(Map.of(), null);
        assertThat(backend.sent).containsExactlyInAnyOrder("a", "b", "c");
    }

    @Test
    void whereASecondSendRunsOnceANewOwnerSubmitsWhatACrashLeftAtOnce() throws Exception {
        RunOnce backend = new RunOnce(clock, 3);
        backend.idempotent = true;
        JobDriver next = takenOverAfterACrash(backend);
        next.advance(Map.of(), null);

        assertThat(backend.sent).as("no wait for the grace period").containsExactlyInAnyOrder("a", "b", "c");
        assertThat(next.state().tasks.values()).allSatisfy(t -> assertThat(t.phase).isEqualTo(Phase.ACTIVE));
    }

    @Test
    void aDriverThatLosesASaveToAnInstanceThatThenDiedTakesAnotherTurnSoonAndFinishesTheSubmission() throws Exception {
        FileObjectStore store = new FileObjectStore(dir);
        RunOnce backend = new RunOnce(clock, 3);
        JobDriver watcher = driver(backend, store);
        watcher.open(); // version 1
        JobDriver other = driver(backend, store); // e.g. a dispatcher the record was delivered to again
        other.open();
        crashed(other, backend); // it saved the attempts SUBMITTING (version 2), then died before sending them

        JobDriver.Advance lost = watcher.advance(Map.of(), null); // its own step's save loses to version 2

        assertThat(watcher.state().version).isEqualTo(2);
        assertThat(lost.nextWake()).as("a turn is asked for, not left to news from the backend (it has no handles)")
                .isNotNull().isBeforeOrEqualTo(clock.instant().plus(GRACE));
        JobDriver.Advance turn = lost;
        for (int i = 0; i < 3 && backend.sent.isEmpty(); i++) { // each turn at the wake-up the last one asked for
            assertThat(turn.nextWake()).isNotNull();
            clock.set(turn.nextWake());
            turn = watcher.advance(Map.of(), null);
        }
        assertThat(backend.sent).as("what the dead instance left submitting is sent after the grace period, once")
                .containsExactlyInAnyOrder("a", "b", "c");
        assertThat(clock.instant()).isEqualTo(Instant.parse("2026-12-07T10:00:00Z").plus(GRACE));
    }

    /** A second driver opened on the job after its first owner died between saving the attempts SUBMITTING and sending them. */
    private JobDriver takenOverAfterACrash(RunOnce backend) throws Exception {
        FileObjectStore store = new FileObjectStore(dir);
        JobDriver crashed = driver(backend, store);
        crashed.open();
        crashed(crashed, backend);
        JobDriver next = driver(backend, store);
        next.open();
        return next;
    }

    /** The owner dies between saving the attempts SUBMITTING and sending them. */
    private static void crashed(JobDriver d, RunOnce backend) {
        backend.crashBeforeSending = new IllegalStateException("killed");
        assertThatThrownBy(() -> d.advance(Map.of(), null)).hasMessageContaining("killed");
        backend.crashBeforeSending = null;
        assertThat(d.state().tasks.values()).allSatisfy(t -> assertThat(t.phase).isEqualTo(Phase.SUBMITTING));
    }

    /**
     * A backend on which every send starts a run (as AWS Batch's SubmitJob): it records what it was sent,
     * refuses — sends nothing — once a call's window has closed, and finds earlier sends again by
     * submission id. Runs nothing (describe answers RUNNING).
     */
    static final class RunOnce implements ComputeBackend {
        private final MutableClock clock;
        private final int maxBatch;
        private boolean idempotent;
        volatile RuntimeException crashBeforeSending;
        private final NoopComputeBackend noop = new NoopComputeBackend();
        final List<String> sent = Collections.synchronizedList(new ArrayList<>());
        final List<String> refused = Collections.synchronizedList(new ArrayList<>());
        final Map<String, TaskHandle> handles = new ConcurrentHashMap<>();
        volatile IntConsumer afterCall = n -> { };
        volatile int failAfterSending = -1;
        private int calls;

        RunOnce(MutableClock clock, int maxBatch) {
            this.clock = clock;
            this.maxBatch = maxBatch;
        }

        @Override
        public String type() {
            return "run-once";
        }

        @Override
        public Capabilities capabilities() {
            return new Capabilities(false, false, 0, maxBatch, true, idempotent);
        }

        @Override
        public Map<String, String> ensureEnvironment(BackendJob job) {
            return Map.of();
        }

        @Override
        public List<TaskHandle> submit(BackendJob job, List<TaskLaunch> launches) {
            int call;
            synchronized (this) {
                call = ++calls;
            }
            if (crashBeforeSending != null) {
                throw crashBeforeSending;
            }
            try {
                List<TaskHandle> out = new ArrayList<>();
                for (TaskLaunch l : launches) {
                    if (!job.maySubmit(clock.instant())) {
                        refused.add(l.taskId());
                        out.add(null);
                        continue;
                    }
                    if (failAfterSending >= 0 && call == 1 && out.size() == failAfterSending) {
                        throw new TransientComputeException("InternalError: the service failed on " + l.taskId(), null);
                    }
                    TaskHandle h = new TaskHandle(type(), job.jobId(), l.taskId(), l.attempt(), "run-" + l.submissionId() + "-" + call);
                    sent.add(l.taskId());
                    handles.put(l.taskId(), h);
                    out.add(h);
                }
                return out;
            } finally {
                afterCall.accept(call);
            }
        }

        @Override
        public Map<String, TaskHandle> recover(BackendJob job, List<TaskLaunch> launches) {
            Map<String, TaskHandle> found = new java.util.LinkedHashMap<>();
            launches.forEach(l -> {
                TaskHandle h = handles.get(l.taskId());
                if (h != null) {
                    found.put(l.submissionId(), h);
                }
            });
            return found;
        }

        @Override
        public Map<TaskHandle, TaskObservation> describe(List<TaskHandle> hs) {
            Map<TaskHandle, TaskObservation> out = new java.util.LinkedHashMap<>();
            hs.forEach(h -> out.put(h, TaskObservation.running(Instant.EPOCH)));
            return out;
        }

        @Override
        public void terminate(BackendJob job, List<TaskHandle> hs, String reason) {
            noop.terminate(job, hs, reason);
        }

        @Override
        public void release(BackendJob job) {
        }
    }
}
