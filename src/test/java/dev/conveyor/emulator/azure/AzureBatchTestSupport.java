package dev.conveyor.emulator.azure;

import com.microsoft.azure.batch.BatchClient;
import com.microsoft.azure.batch.auth.BatchSharedKeyCredentials;
import com.microsoft.azure.batch.protocol.models.CloudTask;
import com.microsoft.azure.batch.protocol.models.ImageReference;
import com.microsoft.azure.batch.protocol.models.PoolAddParameter;
import com.microsoft.azure.batch.protocol.models.PoolInformation;
import com.microsoft.azure.batch.protocol.models.TaskState;
import com.microsoft.azure.batch.protocol.models.VirtualMachineConfiguration;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import static org.awaitility.Awaitility.await;

/** Shared set-up for tests that drive the emulator through the official Azure Batch SDK. */
final class AzureBatchTestSupport {
    private AzureBatchTestSupport() {
    }

    static BatchClient client(AzureBatchEmulator emulator) {
        return BatchClient.open(new BatchSharedKeyCredentials(emulator.endpoint(), emulator.accountName(),
                emulator.accountKey()));
    }

    static PoolAddParameter linuxPool(String id, int nodes, int slotsPerNode) {
        return new PoolAddParameter().withId(id).withVmSize("standard_d2s_v3")
                .withVirtualMachineConfiguration(new VirtualMachineConfiguration()
                        .withImageReference(new ImageReference().withPublisher("canonical")
                                .withOffer("0001-com-ubuntu-server-jammy").withSku("22_04-lts"))
                        .withNodeAgentSKUId("batch.node.ubuntu 22.04"))
                .withTargetDedicatedNodes(nodes).withTaskSlotsPerNode(slotsPerNode);
    }

    /** Creates a pool and a job on it. */
    static void poolAndJob(BatchClient client, String poolId, String jobId, int nodes, int slots) throws Exception {
        client.poolOperations().createPool(linuxPool(poolId, nodes, slots));
        client.jobOperations().createJob(jobId, new PoolInformation().withPoolId(poolId));
    }

    static CloudTask awaitCompleted(BatchClient client, String jobId, String taskId) {
        return awaitState(client, jobId, taskId, TaskState.COMPLETED, Duration.ofSeconds(30));
    }

    static CloudTask awaitState(BatchClient client, String jobId, String taskId, TaskState state, Duration within) {
        AtomicReference<CloudTask> last = new AtomicReference<>();
        await().atMost(within).pollInterval(Duration.ofMillis(100)).until(() -> {
            CloudTask t = client.taskOperations().getTask(jobId, taskId);
            last.set(t);
            return t.state() == state;
        });
        return last.get();
    }
}
