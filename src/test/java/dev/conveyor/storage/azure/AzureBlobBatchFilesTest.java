package dev.conveyor.storage.azure;

import com.microsoft.azure.batch.BatchClient;
import com.microsoft.azure.batch.auth.BatchSharedKeyCredentials;
import com.microsoft.azure.batch.protocol.models.CloudTask;
import com.microsoft.azure.batch.protocol.models.ImageReference;
import com.microsoft.azure.batch.protocol.models.OutputFile;
import com.microsoft.azure.batch.protocol.models.OutputFileBlobContainerDestination;
import com.microsoft.azure.batch.protocol.models.OutputFileDestination;
import com.microsoft.azure.batch.protocol.models.OutputFileUploadCondition;
import com.microsoft.azure.batch.protocol.models.OutputFileUploadOptions;
import com.microsoft.azure.batch.protocol.models.PoolAddParameter;
import com.microsoft.azure.batch.protocol.models.PoolInformation;
import com.microsoft.azure.batch.protocol.models.ResourceFile;
import com.microsoft.azure.batch.protocol.models.TaskAddParameter;
import com.microsoft.azure.batch.protocol.models.TaskExecutionResult;
import com.microsoft.azure.batch.protocol.models.TaskState;
import com.microsoft.azure.batch.protocol.models.VirtualMachineConfiguration;
import dev.conveyor.emulator.azure.AzureBatchEmulator;
import dev.conveyor.emulator.azure.AzureBatchEmulatorOptions;
import dev.conveyor.storage.JobKeys;
import dev.conveyor.storage.PrefixGrant;
import dev.conveyor.storage.StoredObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Prefix grants used the way Azure Batch moves folders natively: resource files from a container
 * URL + blob prefix, output files to a container URL + path — driven through the official Azure
 * Batch SDK against the project's Batch emulator, with the blobs in Azurite.
 */
class AzureBlobBatchFilesTest {
    @TempDir
    Path workDir;
    private AzureBatchEmulator emulator;
    private BatchClient batch;
    private AzureBlobObjectStore store;

    @BeforeEach
    void start() throws Exception {
        store = AzuriteStores.store("bat" + UUID.randomUUID().toString().substring(0, 8));
        emulator = AzureBatchEmulator.start(AzureBatchEmulatorOptions.defaults().withWorkDir(workDir));
        batch = BatchClient.open(new BatchSharedKeyCredentials(emulator.endpoint(), emulator.accountName(), emulator.accountKey()));
        batch.poolOperations().createPool(new PoolAddParameter().withId("pool").withVmSize("standard_d2s_v3")
                .withVirtualMachineConfiguration(new VirtualMachineConfiguration()
                        .withImageReference(new ImageReference().withPublisher("canonical")
                                .withOffer("0001-com-ubuntu-server-jammy").withSku("22_04-lts"))
                        .withNodeAgentSKUId("batch.node.ubuntu 22.04"))
                .withTargetDedicatedNodes(1).withTaskSlotsPerNode(1));
        batch.jobOperations().createJob("job", new PoolInformation().withPoolId("pool"));
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    @Test
    void aTaskDownloadsItsInputPrefixAndUploadsItsOutputsThroughPrefixGrants() throws Exception {
        String inputs = JobKeys.inputs("job-42", "t1");
        String outputs = JobKeys.outputs("job-42", "t1");
        store.put(inputs + "a.txt", "alpha".getBytes(StandardCharsets.UTF_8));
        store.put(inputs + "sub/b.txt", "beta".getBytes(StandardCharsets.UTF_8));
        store.put(JobKeys.inputs("job-42", "t2") + "other.txt", "not for t1".getBytes(StandardCharsets.UTF_8));
        Instant expiry = Instant.now().plus(Duration.ofMinutes(10));
        PrefixGrant read = store.prefixGrant(inputs, PrefixGrant.Access.READ, expiry).orElseThrow();
        PrefixGrant write = store.prefixGrant(outputs, PrefixGrant.Access.WRITE, expiry).orElseThrow();

        batch.taskOperations().createTask("job", new TaskAddParameter().withId("t1")
                .withResourceFiles(List.of(new ResourceFile().withStorageContainerUrl(read.containerUrl().toString())
                        .withBlobPrefix(read.path()).withFilePath("in")))
                .withOutputFiles(List.of(new OutputFile().withFilePattern("result*.txt")
                        .withDestination(new OutputFileDestination().withContainer(new OutputFileBlobContainerDestination()
                                .withContainerUrl(write.containerUrl().toString()).withPath(write.path())))
                        .withUploadOptions(new OutputFileUploadOptions().withUploadCondition(OutputFileUploadCondition.TASK_SUCCESS))))
                .withCommandLine("cat in/" + inputs + "a.txt in/" + inputs + "sub/b.txt > result.txt; "
                        + "test -e in/" + JobKeys.inputs("job-42", "t2") + "other.txt && echo leaked >> result.txt; true"));

        CloudTask task = awaitCompleted("t1");

        assertThat(task.executionInfo().result()).isEqualTo(TaskExecutionResult.SUCCESS);
        assertThat(store.listAll(outputs)).extracting(StoredObject::key).containsExactly(outputs + "result.txt");
        assertThat(store.read(outputs + "result.txt", 100).map(b -> new String(b, StandardCharsets.UTF_8))).contains("alphabeta");
    }

    private CloudTask awaitCompleted(String taskId) {
        AtomicReference<CloudTask> last = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            CloudTask t = batch.taskOperations().getTask("job", taskId);
            last.set(t);
            return t.state() == TaskState.COMPLETED;
        });
        return last.get();
    }
}
