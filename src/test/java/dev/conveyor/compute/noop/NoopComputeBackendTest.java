package dev.conveyor.compute.noop;

import dev.conveyor.compute.ComputeBackend;
import dev.conveyor.compute.ComputeBackendContract;
import dev.conveyor.model.JobState;
import dev.conveyor.storage.ObjectStore;
import dev.conveyor.storage.file.FileObjectStore;
import dev.conveyor.testing.Jobs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The compute contract on the {@code noop} backend, plus what only it does. */
class NoopComputeBackendTest extends ComputeBackendContract {
    @TempDir
    static Path root;
    private static final NoopComputeBackend BACKEND = new NoopComputeBackend();
    private static FileObjectStore store;

    @Override
    protected ComputeBackend backend() {
        return BACKEND;
    }

    @Override
    protected ObjectStore store() {
        if (store == null) {
            store = new FileObjectStore(root.resolve("store"));
        }
        return store;
    }

    @Test
    void theDurationOptionKeepsEveryAttemptRunningThatLong() {
        var d = run.open(Jobs.of(id("dur"), "runsOn: {type: noop}\ntasks: [{id: t, command: 'echo hi'}]"),
                Map.of("duration", "1500ms"));
        var s = run.runToEnd(d, LIMIT);
        assertThat(s.finalState).isEqualTo(JobState.SUCCEEDED);
        var a = s.task("t").lastAttempt();
        assertThat(Duration.between(a.startedAt(), a.endedAt())).isGreaterThanOrEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void aBadDurationOptionIsRefusedWithTheReason() {
        var job = Jobs.of(id("baddur"), "runsOn: {type: noop}\ntasks: [{id: t, command: 'echo hi'}]");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> run.open(job, Map.of("duration", "soon")))
                .hasMessageContaining("runsOn.with.duration must be like 250ms");
    }
}
