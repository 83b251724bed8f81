package dev.conveyor.compute.azure;

import dev.conveyor.compute.BackendJob;
import dev.conveyor.compute.TaskHandle;
import dev.conveyor.compute.TaskObservation;
import dev.conveyor.emulator.azure.AzureBatchEmulatorOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static dev.conveyor.compute.azure.AzureBatchPoolsAndJobsTest.job;
import static dev.conveyor.compute.azure.AzureBatchPoolsAndJobsTest.launch;
import static dev.conveyor.compute.azure.AzureBatchPoolsAndJobsTest.opened;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A pool whose allocation ended without a node — the account's core quota reached, no capacity for the VM size —
 * or whose every node failed its start task, or is unusable (its container image cannot be pulled), never runs a task:
 * Azure does not try again by itself. Its waiting tasks end, failed with the pool's resize error, the start task's exit
 * code or the nodes' error, instead of waiting until their time limit (or for ever, without one). A pool that got some
 * of its nodes, or whose start task succeeds, runs them.
 */
class AzureBatchPoolsThatRunNothingTest {
    @TempDir
    Path root;

    private static AzureBatchFixture quota(Path root, int nodes) {
        return new AzureBatchFixture(root, AzureBatchEmulatorOptions.defaults().withAllocationDelay(Duration.ofMillis(50))
                .withDedicatedNodeQuota(nodes), AzureBatchSettings.DEFAULT.withSweepInterval(Duration.ZERO));
    }

    /** Opens a job with {@code options}, submits one task per command, and waits until every one has ended. */
    private static Collection<TaskObservation> ended(AzureBatchFixture azure, String jobId, Map<String, String> options,
                                                    Duration atMost, String... commands) {
        BackendJob job = opened(azure.backend, job(jobId, options));
        List<TaskHandle> h = azure.backend.submit(job, IntStream.range(0, commands.length)
                .mapToObj(i -> launch(jobId, Character.toString('a' + i), commands[i])).toList());
        await().atMost(atMost).until(() -> azure.backend.describe(h).values().stream()
                .allMatch(o -> o.phase() == TaskObservation.Phase.ENDED));
        return azure.backend.describe(h).values();
    }

    /** How the one task of a job on a pool made with {@code options} ended (within a 10-node quota). */
    private TaskObservation theOneTaskOnAPoolWith(Map<String, String> options) {
        try (AzureBatchFixture azure = quota(root, 10)) {
            Collection<TaskObservation> ended = ended(azure, options.get("pool_id") + "-job", options, Duration.ofSeconds(20),
                    "echo never");
            assertThat(ended).hasSize(1);
            return ended.iterator().next();
        }
    }

    @Test
    void theWaitingTasksOfAPoolThatCouldNotGetANodeFailWithItsResizeError() {
        try (AzureBatchFixture azure = quota(root, 0)) {
            assertThat(ended(azure, "noquota", Map.of("pool_id", "no-nodes", "node_count", "2"), Duration.ofSeconds(20),
                    "echo never", "echo never")).allSatisfy(o -> {
                assertThat(o.exitCode()).isNull();
                assertThat(o.reason()).startsWith("pool no-nodes has no node and could not get one: AccountCoreQuotaReached: ");
                assertThat(o.infrastructure()).as("not tried again as if a node had gone: no node will come").isFalse();
                assertThat(o.terminal()).as("nor as a failed command: another attempt would wait the same").isTrue();
            });
        }
    }

    @Test
    void aPoolThatGotSomeOfItsNodesRunsItsTasks() {
        try (AzureBatchFixture azure = quota(root, 1)) {
            assertThat(ended(azure, "somequota", Map.of("pool_id", "one-node", "node_count", "3"), Duration.ofSeconds(30),
                    "echo ran", "echo ran")).allSatisfy(o -> assertThat(o.exitCode()).isZero());
            assertThat(azure.client().poolOperations().getPool("one-node").resizeErrors())
                    .as("the pool has its resize error, and its one node").singleElement()
                    .satisfies(e -> assertThat(e.code()).isEqualTo("AccountCoreQuotaReached"));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void theWaitingTasksOfAPoolWhoseEveryNodeFailedItsStartTaskFailWithItsExitCode() {
        TaskObservation o = theOneTaskOnAPoolWith(Map.of("pool_id", "bad-start", "node_count", "2",
                "start_task", "echo installing; exit 3"));
        assertThat(o.reason()).isEqualTo("every node of pool bad-start failed its start task (exit code 3): "
                + "Batch puts no task on them");
        assertThat(o.terminal()).isTrue();
    }

    @Test
    void theWaitingTasksOfAPoolWhoseEveryNodeIsUnusableFailWithTheNodesError() {
        TaskObservation o = theOneTaskOnAPoolWith(Map.of("pool_id", "bad-image", "node_count", "2",
                "container_images", "registry.invalid/none:1"));
        assertThat(o.reason()).isEqualTo("every node of pool bad-image is unusable (ContainerInvalidImage: One or "
                + "more container images specified are invalid (ContainerImage: registry.invalid/none:1)): "
                + "Batch puts no task on them");
        assertThat(o.terminal()).as("a new attempt would wait on the same nodes").isTrue();
    }

    @Test
    void aTaskWaitingOnAPoolWithNoNodeSaysWhatItWaitsFor() throws Exception {
        try (AzureBatchFixture azure = quota(root, 10)) {
            BackendJob job = opened(azure.backend, job("empty", Map.of("pool_id", "no-node", "node_count", "0")));
            await().atMost(Duration.ofSeconds(10)).until(() -> azure.client().poolOperations().getPool("no-node")
                    .allocationState() == com.microsoft.azure.batch.protocol.models.AllocationState.STEADY);
            List<TaskHandle> h = azure.backend.submit(job, List.of(launch("empty", "a", "echo never")));

            TaskObservation o = azure.backend.describe(h).get(h.get(0));
            assertThat(o.phase()).as("a pool with no node, and no error: someone may resize it")
                    .isEqualTo(TaskObservation.Phase.QUEUED);
            assertThat(o.reason()).as("what the user sees, and the reason if the job's time limit stops it")
                    .isEqualTo("pool no-node has no node");
        }
    }

    /** Tasks that wait while others run, on a pool that is being made bigger (by hand or by its formula), say so. */
    @Test
    void tasksThatWaitWhileOthersRunOnAPoolThatIsResizingSaySo() throws Exception {
        try (AzureBatchFixture azure = new AzureBatchFixture(root, AzureBatchEmulatorOptions.defaults()
                .withAllocationDelay(Duration.ofSeconds(3)).withDedicatedNodeQuota(10),
                AzureBatchSettings.DEFAULT.withSweepInterval(Duration.ZERO))) {
            BackendJob job = opened(azure.backend, job("grow", Map.of("pool_id", "grow", "node_count", "1")));
            await().atMost(Duration.ofSeconds(20)).until(() -> azure.client().poolOperations().getPool("grow")
                    .allocationState() == com.microsoft.azure.batch.protocol.models.AllocationState.STEADY);
            TaskHandle runs = azure.backend.submit(job, List.of(launch("grow", "a", "sleep 20"))).get(0);
            String batchJob = runs.ref().split("/")[1];
            await().atMost(Duration.ofSeconds(20)).until(() -> azure.client().taskOperations().listTasks(batchJob).stream()
                    .anyMatch(t -> t.state() == com.microsoft.azure.batch.protocol.models.TaskState.RUNNING));
            azure.client().poolOperations().resizePool("grow", 2, 0);
            TaskHandle waits = azure.backend.submit(job, List.of(launch("grow", "b", "echo b"))).get(0);

            Map<TaskHandle, TaskObservation> seen = azure.backend.describe(List.of(runs, waits));
            assertThat(seen.get(runs).phase()).isEqualTo(TaskObservation.Phase.RUNNING);
            assertThat(seen.get(waits).phase()).isEqualTo(TaskObservation.Phase.QUEUED);
            assertThat(seen.get(waits).reason()).as("the one node is busy; the second is on its way")
                    .isEqualTo("pool grow is resizing");
        }
    }

    @Test
    void aPoolWhoseStartTaskSucceedsRunsItsTasksAfterIt() {
        try (AzureBatchFixture azure = quota(root, 10)) {
            assertThat(ended(azure, "goodstart", Map.of("pool_id", "good-start", "node_count", "1",
                    "start_task", "sleep 1; echo ready > ../ready.txt"), Duration.ofSeconds(30),
                    "echo ran")).singleElement().satisfies(o -> assertThat(o.exitCode()).isZero());
        }
    }
}
