package dev.conveyor.compute.azure;

import dev.conveyor.compute.TaskObservation;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a completed Azure Batch task means for the engine: a failure of Batch's own file transfer (the storage
 * account away while it moved the task's files — the chaos bench's store outage met it) is the infrastructure's,
 * retried without charging the task's retries; the command's own failure is the task's.
 */
class BulkMonitorObserveTest {
    private static TaskObservation completed(Integer exitCode, String failureCode) {
        Instant t = Instant.parse("2026-12-07T13:00:00Z");
        return BulkMonitor.observe(new BatchTypes.TaskInfo("t-1", "completed", exitCode, failureCode,
                failureCode == null ? null : "Failed to upload .conveyor/return/**/*", t, t.plusSeconds(5), 0, "node-1"));
    }

    @Test
    void filesBatchCouldNotMoveAreTheInfrastructures() {
        for (String code : new String[] {"FileUploadMiscError", "FileUploadTimedOut", "BlobDownloadMiscError", "BlobDownloadTimedOut"}) {
            TaskObservation o = completed(0, code);
            assertThat(o.phase()).isEqualTo(TaskObservation.Phase.ENDED);
            assertThat(o.infrastructure()).as(code).isTrue();
            assertThat(o.reason()).startsWith(code + ": ");
        }
    }

    @Test
    void theCommandsOwnFailureIsTheTasks() {
        assertThat(completed(3, "FailureExitCode").infrastructure()).isFalse();
        assertThat(completed(0, null).infrastructure()).isFalse();
        assertThat(completed(null, "CommandProgramNotFound").infrastructure()).isFalse();
    }
}
