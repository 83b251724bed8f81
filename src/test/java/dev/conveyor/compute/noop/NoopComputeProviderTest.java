package dev.conveyor.compute.noop;

import dev.conveyor.compute.ComputeException;
import dev.conveyor.compute.ComputeJob;
import dev.conveyor.compute.ComputeTask;
import dev.conveyor.compute.TaskStatus;
import dev.conveyor.model.TaskState;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NoopComputeProviderTest {
    private static ComputeTask task(String id) {
        return new ComputeTask(id, "exit 1", Map.of(), List.of(), List.of(), List.of(), "o/" + id + "/", "l/" + id + "/", 0, 0, null);
    }

    private final ComputeJob job = new ComputeJob("n1", Map.of(), List.of(task("a"), task("b")));

    @Test
    void everySubmittedTaskIsReportedSucceededWithOneAttemptAndNoLogs() {
        NoopComputeProvider p = new NoopComputeProvider();
        p.prepare(job);
        p.submit(job);

        List<TaskStatus> s = p.poll(job);

        assertThat(p.type()).isEqualTo("noop");
        assertThat(s).extracting(TaskStatus::taskId).containsExactly("a", "b");
        assertThat(s).allSatisfy(t -> {
            assertThat(t.state()).isEqualTo(TaskState.SUCCEEDED);
            assertThat(t.exitCode()).isZero();
            assertThat(t.outputKeys()).isEmpty();
            assertThat(t.attempts()).singleElement().satisfies(a -> {
                assertThat(a.exitCode()).isZero();
                assertThat(a.startedAt()).isEqualTo(a.finishedAt());
                assertThat(a.stdoutKey()).isNull();
                assertThat(a.stderrKey()).isNull();
            });
        });
    }

    @Test
    void pollOfAnUnsubmittedOrCleanedUpJobIsAPermanentError() {
        NoopComputeProvider p = new NoopComputeProvider();
        assertThatThrownBy(() -> p.poll(job)).isInstanceOf(ComputeException.class);
        p.submit(job);
        p.cancel(job, "x");
        p.cleanup(job);
        assertThatThrownBy(() -> p.poll(job)).isInstanceOf(ComputeException.class)
                .satisfies(e -> assertThat(((ComputeException) e).transientFailure()).isFalse());
    }
}
