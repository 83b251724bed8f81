package dev.conveyor.compute;

import dev.conveyor.compute.TaskHandle;
import dev.conveyor.compute.TaskLaunch;
import dev.conveyor.engine.Attempt;
import dev.conveyor.engine.EngineSettings;
import dev.conveyor.engine.JobDriver;
import dev.conveyor.engine.Phase;
import dev.conveyor.engine.RunState;
import dev.conveyor.engine.TaskRun;
import dev.conveyor.model.JobSpec;
import dev.conveyor.model.JobState;
import dev.conveyor.model.TaskState;
import dev.conveyor.storage.ObjectStore;
import dev.conveyor.testing.EngineRun;
import dev.conveyor.testing.Jobs;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The compute contract: the workflow semantics, through the engine, on one backend — DAG order,
 * SKIPPED reasons, {@code always}, matrix {@code maxParallel} and {@code failFast}, retries with
 * backoff, attempt and job time limits, values and files handed downstream, cancel, and resuming
 * after a restart without resubmitting. Every backend runs it unchanged; cases that need commands
 * to really run (files, values, attempt numbers) report themselves as not applicable on a backend
 * that runs nothing ({@code noop}).
 */
public abstract class ComputeBackendContract {
    protected static final Duration LIMIT = Duration.ofSeconds(60);

    protected abstract ComputeBackend backend();

    protected abstract ObjectStore store();

    /** Settings quick enough for tests: short retry backoff and time-limit grace. */
    protected EngineSettings settings() {
        return EngineSettings.DEFAULT.withRetryBackoff(Duration.ofMillis(200), Duration.ofSeconds(1))
                .withTimeoutGrace(Duration.ofSeconds(2));
    }

    protected EngineRun run;
    private String prefix;

    @BeforeEach
    void newRun() {
        run = new EngineRun(backend(), store(), settings());
        prefix = "c" + UUID.randomUUID().toString().substring(0, 8);
    }

    protected String id(String name) {
        return prefix + "-" + name;
    }

    private boolean runsCommands() {
        return backend().capabilities().runsWrapper();
    }

    private void needsCommands() {
        Assumptions.assumeTrue(runsCommands(), backend().type() + " runs no commands: files, values and attempt numbers do not apply");
    }

    @Test
    void aTaskThatExitsZeroSucceeds() {
        RunState s = run.runToEnd(Jobs.of(id("ok"), "tasks: [{id: t, command: 'echo hello'}]"), LIMIT);
        assertThat(s.finalState).isEqualTo(JobState.SUCCEEDED);
        TaskRun t = s.task("t");
        assertThat(t.state).isEqualTo(TaskState.SUCCEEDED);
        assertThat(t.exitCode).isZero();
        assertThat(t.attempts).singleElement().satisfies(a -> assertThat(a.handle()).isNotBlank());
        if (runsCommands()) {
            assertThat(run.stdout(s, "t")).isEqualTo("hello\n");
        }
    }

    @Test
    void aTaskThatExitsNonZeroFailsWithItsCodeAndTheJobFails() {
        RunState s = run.runToEnd(Jobs.of(id("fail"), "tasks: [{id: t, command: 'exit 3'}]"), LIMIT);
        assertThat(s.finalState).isEqualTo(JobState.FAILED);
        assertThat(s.task("t").state).isEqualTo(TaskState.FAILED);
        assertThat(s.task("t").exitCode).isEqualTo(3);
        assertThat(s.task("t").reason).startsWith("exit code 3");
        assertThat(s.finalReason).startsWith("task 't' FAILED: exit code 3");
    }

    @Test
    void tasksRunAfterWhatTheyNeedAndAreSkippedWithTheReasonWhenItFails() {
        RunState s = run.runToEnd(Jobs.of(id("dag"), """
                tasks:
                  - {id: a, command: 'exit 1'}
                  - {id: b, command: 'echo b', needs: [a]}
                  - {id: c, command: 'echo c', needs: [b]}
                  - {id: side, command: 'echo side'}
                """), LIMIT);
        assertThat(s.task("a").state).isEqualTo(TaskState.FAILED);
        assertThat(s.task("b").state).isEqualTo(TaskState.SKIPPED);
        assertThat(s.task("b").reason).isEqualTo("upstream task 'a' FAILED");
        assertThat(s.task("c").reason).isEqualTo("upstream task 'b' SKIPPED");
        assertThat(s.task("b").attempts).isEmpty();
        assertThat(s.task("side").state).isEqualTo(TaskState.SUCCEEDED);
        assertThat(s.finalState).isEqualTo(JobState.FAILED);
    }

    @Test
    void anAlwaysTaskRunsAfterItsUpstreamEndedWhateverItsState() {
        RunState s = run.runToEnd(Jobs.of(id("always"), """
                tasks:
                  - {id: a, command: 'exit 2'}
                  - {id: cleanup, command: 'echo cleaning', needs: [a], always: true}
                """), LIMIT);
        TaskRun cleanup = s.task("cleanup");
        assertThat(cleanup.state).isEqualTo(TaskState.SUCCEEDED);
        assertThat(cleanup.attempts.get(0).startedAt()).isAfterOrEqualTo(s.task("a").lastAttempt().endedAt().minusMillis(5));
    }

    @Test
    void aFailedTaskIsRetriedWithBackoffUpToItsRetries() {
        RunState s = run.runToEnd(Jobs.of(id("retry"), "tasks: [{id: t, command: 'exit 1', retries: 2}]"), LIMIT);
        TaskRun t = s.task("t");
        assertThat(t.state).isEqualTo(TaskState.FAILED);
        assertThat(t.attempts).extracting(Attempt::attempt).containsExactly(1, 2, 3);
        assertThat(t.attempts).allMatch(a -> a.state() == TaskState.FAILED && !a.infrastructure());
        for (int i = 1; i < t.attempts.size(); i++) {
            Instant prevEnd = t.attempts.get(i - 1).endedAt();
            Instant next = t.attempts.get(i).startedAt();
            if (next != null && prevEnd != null) {
                assertThat(Duration.between(prevEnd, next)).as("backoff before attempt %d", i + 1)
                        .isGreaterThanOrEqualTo(Duration.ofMillis(150));
            }
        }
    }

    @Test
    void aRetriedTaskThatSucceedsLaterSucceeds() {
        needsCommands();
        RunState s = run.runToEnd(Jobs.of(id("retry2"),
                "tasks: [{id: t, command: '[ \"$CONVEYOR_ATTEMPT\" -ge 2 ] || exit 1; echo second', retries: 3}]"), LIMIT);
        assertThat(s.task("t").state).isEqualTo(TaskState.SUCCEEDED);
        assertThat(s.task("t").attempts).extracting(Attempt::state).containsExactly(TaskState.FAILED, TaskState.SUCCEEDED);
        assertThat(run.stdout(s, "t")).isEqualTo("second\n");
    }

    @Test
    void aMatrixGroupRunsAtMostMaxParallelCellsAtOnce() {
        JobSpec job = Jobs.of(id("mp"), """
                tasks:
                  - id: cell
                    command: 'sleep 1'
                    strategy: {matrix: {n: [1, 2, 3, 4, 5]}, maxParallel: 2}
                """);
        JobDriver d = run.open(job);
        AtomicInteger most = new AtomicInteger();
        run.runUntil(d, s -> {
            int active = (int) s.tasks.values().stream().filter(t -> t.phase == Phase.ACTIVE || t.phase == Phase.SUBMITTING).count();
            most.accumulateAndGet(active, Math::max);
            return s.ended();
        }, LIMIT);
        assertThat(d.state().finalState).isEqualTo(JobState.SUCCEEDED);
        assertThat(most.get()).isEqualTo(2);
    }

    @Test
    void aFailFastMatrixSkipsItsWaitingCellsWhenOneFailsForGood() {
        RunState s = run.runToEnd(Jobs.of(id("ff"), """
                tasks:
                  - id: gate
                    command: 'exit 5'
                    strategy: {matrix: {x: [a, b, c]}, failFast: true, maxParallel: 1}
                """), LIMIT);
        assertThat(s.task("gate-0").state).isEqualTo(TaskState.FAILED);
        assertThat(s.task("gate-1").state).isEqualTo(TaskState.SKIPPED);
        assertThat(s.task("gate-1").reason).isEqualTo("matrix cell 'gate-0' FAILED and 'gate' is fail-fast");
        assertThat(s.task("gate-2").attempts).isEmpty();
        assertThat(s.finalState).isEqualTo(JobState.FAILED);
    }

    @Test
    void aFailFastMatrixCancelsItsRunningCellsWhenOneFailsForGood() {
        needsCommands();
        RunState s = run.runToEnd(Jobs.of(id("ff2"), """
                tasks:
                  - id: cell
                    command: 'if [ "${{ matrix.n }}" = 1 ]; then sleep 1; exit 1; fi; sleep 60'
                    strategy: {matrix: {n: [1, 2, 3]}, failFast: true}
                """), LIMIT);
        assertThat(s.task("cell-0").state).isEqualTo(TaskState.FAILED);
        for (String other : new String[] {"cell-1", "cell-2"}) {
            assertThat(s.task(other).state).isEqualTo(TaskState.CANCELLED);
            assertThat(s.task(other).reason).as("with ' (it never started…)' where the backend had not started it yet")
                    .startsWith("matrix cell 'cell-0' FAILED and 'cell' is fail-fast");
        }
    }

    @Test
    void anAttemptOverItsTimeLimitEndsTimedOut() {
        RunState s = run.runToEnd(Jobs.of(id("tmo"), "tasks: [{id: t, command: 'sleep 60', timeout: 1s}]"), LIMIT);
        TaskRun t = s.task("t");
        assertThat(t.state).isEqualTo(TaskState.TIMED_OUT);
        assertThat(t.reason).isEqualTo("timed out after 1s");
        assertThat(Duration.between(t.lastAttempt().startedAt(), t.lastAttempt().endedAt())).isLessThan(Duration.ofSeconds(20));
        assertThat(s.finalState).isEqualTo(JobState.TIMED_OUT);
    }

    @Test
    void aJobOverItsTimeLimitIsStoppedAndEndsTimedOut() {
        RunState s = run.runToEnd(Jobs.of(id("jobtmo"), """
                timeout: 2s
                tasks:
                  - {id: slow, command: 'sleep 60'}
                  - {id: after, command: 'echo never', needs: [slow]}
                """), LIMIT);
        assertThat(s.finalState).isEqualTo(JobState.TIMED_OUT);
        assertThat(s.finalReason).isEqualTo("job timed out after 2s");
        assertThat(s.task("slow").state).isEqualTo(TaskState.CANCELLED);
        assertThat(s.task("after").state).isEqualTo(TaskState.CANCELLED);
        assertThat(s.task("after").attempts).isEmpty();
    }

    @Test
    void cancelStopsWhatRunsAndWhatWaits() {
        JobSpec job = Jobs.of(id("cancel"), """
                tasks:
                  - {id: run, command: 'sleep 60'}
                  - {id: next, command: 'echo never', needs: [run]}
                """);
        JobDriver d = run.open(job);
        run.runUntil(d, s -> s.task("run").state == TaskState.RUNNING, LIMIT);
        RunState s = d.state();
        org.awaitility.Awaitility.await().atMost(LIMIT).until(() -> {
            run.turn(d, "user asked");
            return d.state().ended();
        });
        assertThat(s.finalState).isEqualTo(JobState.CANCELLED);
        assertThat(s.finalReason).isEqualTo("cancelled: user asked");
        assertThat(s.task("run").state).isEqualTo(TaskState.CANCELLED);
        assertThat(s.task("next").state).isEqualTo(TaskState.CANCELLED);
    }

    @Test
    void valuesAndOutputFilesReachTheTasksThatNeedThem() {
        needsCommands();
        RunState s = run.runToEnd(Jobs.of(id("flow"), """
                tasks:
                  - id: make
                    command: 'echo "greeting=hi there" >> "$CONVEYOR_OUTPUTS"; mkdir -p out; echo data > out/f.txt; echo no > skip.txt'
                    outputs: ["out/*.txt"]
                  - id: use
                    needs: [make]
                    command: 'cat out/f.txt; echo "$CONVEYOR_NEEDS_MAKE_GREETING"; cat "$CONVEYOR_NEEDS"; [ ! -e skip.txt ]'
                """), LIMIT);
        assertThat(s.task("use").state).isEqualTo(TaskState.SUCCEEDED);
        assertThat(run.stdout(s, "use")).isEqualTo("data\nhi there\n{\"make\":{\"greeting\":\"hi there\"}}");
        assertThat(run.returned(s.jobId, "make", 1, "values.env")).isEqualTo("greeting=hi there\n");
    }

    @Test
    void aNewDriverResumesARunningJobFromItsSavedStateWithoutResubmitting() {
        JobSpec job = Jobs.of(id("resume"), """
                tasks:
                  - {id: first, command: 'sleep 2'}
                  - {id: second, command: 'echo after', needs: [first]}
                """);
        JobDriver before = run.open(job);
        run.runUntil(before, s -> s.task("first").phase == Phase.ACTIVE, LIMIT);
        String handle = before.state().task("first").handle;

        JobDriver after = run.open(job); // another instance takes over: the saved state, not a new run
        assertThat(after.state().task("first").handle).isEqualTo(handle);
        RunState s = run.runToEnd(after, LIMIT);

        assertThat(s.finalState).isEqualTo(JobState.SUCCEEDED);
        assertThat(s.task("first").attempts).singleElement().satisfies(a -> assertThat(a.handle()).isEqualTo(handle));
        assertThat(s.task("second").attempts).hasSize(1);
    }

    @Test
    void nothingIsSentOnceTheSubmitWindowHasClosed() {
        JobSpec job = Jobs.of(id("window"), "tasks: [{id: t, command: 'echo late'}, {id: u, command: 'echo late'}]");
        JobDriver d = run.open(job); // the backend's environment made, as for any run
        List<TaskLaunch> launches = java.util.stream.Stream.of("t", "u").map(t -> new TaskLaunch(t, 1,
                job.id() + "-" + t + "-1", "echo late", Map.of(), null, null, 0, null, 0, null)).toList();

        List<TaskHandle> handles = backend().submit(d.context().withSubmitBy(java.time.Instant.now()), launches);

        assertThat(handles).as("one answer per launch, each null: not sent").hasSize(2).containsOnlyNulls();
        assertThat(backend().recover(d.context(), launches)).as("the backend never got them").isEmpty();
    }

    @Test
    void aStaleOwnerCannotSaveOverTheJobsNewOwner() throws Exception {
        JobSpec job = Jobs.of(id("fence"), "tasks: [{id: t, command: 'sleep 1'}, {id: u, command: 'echo u', needs: [t]}]");
        JobDriver old = run.open(job);
        JobDriver current = run.open(job);
        run.runToEnd(current, LIMIT);
        long saved = current.state().version;

        JobDriver.Advance stale = old.advance(java.util.Map.of(), null); // would release t again, from its old view

        assertThat(stale.changed()).isFalse();
        assertThat(old.state().version).as("the stale owner reloads the newer state").isEqualTo(saved);
        assertThat(old.state().task("t").attempts).hasSize(1);
    }
}
