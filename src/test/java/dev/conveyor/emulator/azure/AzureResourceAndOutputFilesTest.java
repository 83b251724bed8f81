package dev.conveyor.emulator.azure;

import com.azure.core.util.BinaryData;
import com.microsoft.azure.batch.BatchClient;
import com.microsoft.azure.batch.protocol.models.CloudTask;
import com.microsoft.azure.batch.protocol.models.OutputFile;
import com.microsoft.azure.batch.protocol.models.OutputFileBlobContainerDestination;
import com.microsoft.azure.batch.protocol.models.OutputFileDestination;
import com.microsoft.azure.batch.protocol.models.OutputFileUploadCondition;
import com.microsoft.azure.batch.protocol.models.OutputFileUploadOptions;
import com.microsoft.azure.batch.protocol.models.ResourceFile;
import com.microsoft.azure.batch.protocol.models.TaskAddParameter;
import com.microsoft.azure.batch.protocol.models.TaskExecutionResult;
import dev.conveyor.emulator.azurite.AzuriteContainers;
import dev.conveyor.emulator.azurite.SharedAzurite;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.conveyor.emulator.azure.AzureBatchTestSupport.awaitCompleted;
import static dev.conveyor.emulator.azure.AzureBatchTestSupport.client;
import static dev.conveyor.emulator.azure.AzureBatchTestSupport.poolAndJob;
import static org.assertj.core.api.Assertions.assertThat;

class AzureResourceAndOutputFilesTest {
    static AzuriteContainers azurite;

    @TempDir
    Path workDir;
    AzureBatchEmulator emulator;
    BatchClient batch;

    @BeforeAll
    static void startAzurite() {
        azurite = new AzuriteContainers(SharedAzurite.get());
    }

    @BeforeEach
    void start() throws Exception {
        emulator = AzureBatchEmulator.start(AzureBatchEmulatorOptions.defaults().withWorkDir(workDir));
        batch = client(emulator);
        poolAndJob(batch, "pool", "job", 1, 2);
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    @Test
    void resourceFilesAreDownloadedFromHttpUrlAndContainerPrefix() throws Exception {
        var inputs = azurite.container("inputs");
        inputs.getBlobClient("data/a.txt").upload(BinaryData.fromString("alpha"), true);
        inputs.getBlobClient("data/sub/b.txt").upload(BinaryData.fromString("beta"), true);
        inputs.getBlobClient("other/c.txt").upload(BinaryData.fromString("gamma"), true);
        String sasUrl = azurite.containerSasUrl("inputs");
        String single = sasUrl.replace("/inputs?", "/inputs/other/c.txt?");

        batch.taskOperations().createTask("job", new TaskAddParameter().withId("reader")
                .withResourceFiles(List.of(
                        new ResourceFile().withStorageContainerUrl(sasUrl).withBlobPrefix("data/").withFilePath("in"),
                        new ResourceFile().withHttpUrl(single).withFilePath("single.txt").withFileMode("0755")))
                .withCommandLine("cat in/data/a.txt in/data/sub/b.txt single.txt; test -x single.txt && echo exec; "
                        + "test -e in/other/c.txt || echo no-other"));

        CloudTask task = awaitCompleted(batch, "job", "reader");

        assertThat(task.executionInfo().result()).isEqualTo(TaskExecutionResult.SUCCESS);
        assertThat(Files.readString(taskDir("reader").resolve("stdout.txt"))).isEqualTo("alphabetagammaexec\nno-other\n");
    }

    @Test
    void missingResourceFileFailsTheTaskBeforeItRuns() throws Exception {
        String sasUrl = azurite.containerSasUrl("inputs");
        batch.taskOperations().createTask("job", new TaskAddParameter().withId("no-input")
                .withResourceFiles(List.of(new ResourceFile()
                        .withHttpUrl(sasUrl.replace("/inputs?", "/inputs/absent.txt?")).withFilePath("x.txt")))
                .withCommandLine("echo should-not-run"));

        CloudTask task = awaitCompleted(batch, "job", "no-input");

        assertThat(task.executionInfo().result()).isEqualTo(TaskExecutionResult.FAILURE);
        assertThat(task.executionInfo().failureInfo().code()).isEqualTo("BlobDownloadMiscError");
        assertThat(task.executionInfo().exitCode()).isNull();
    }

    @Test
    void outputFilesAreUploadedAccordingToTheirUploadCondition() throws Exception {
        String sasUrl = azurite.containerSasUrl("outputs");
        batch.taskOperations().createTask("job", new TaskAddParameter().withId("producer")
                .withOutputFiles(List.of(
                        output("results/**/*.csv", sasUrl, "run-1", OutputFileUploadCondition.TASK_SUCCESS),
                        output("../stdout.txt", sasUrl, "logs/producer-stdout.txt", OutputFileUploadCondition.TASK_COMPLETION),
                        output("results/never.txt", sasUrl, "never.txt", OutputFileUploadCondition.TASK_FAILURE)))
                .withCommandLine("mkdir -p results/deep && echo 1 > results/one.csv && echo 2 > results/deep/two.csv "
                        + "&& echo x > results/never.txt && echo produced"));

        CloudTask task = awaitCompleted(batch, "job", "producer");

        assertThat(task.executionInfo().result()).isEqualTo(TaskExecutionResult.SUCCESS);
        assertThat(azurite.blobNames("outputs"))
                .containsExactly("logs/producer-stdout.txt", "run-1/deep/two.csv", "run-1/one.csv");
        assertThat(azurite.container("outputs").getBlobClient("run-1/deep/two.csv").downloadContent().toString())
                .isEqualTo("2\n");
    }

    @Test
    void failedTaskUploadsOnlyFailureOutputs() throws Exception {
        String sasUrl = azurite.containerSasUrl("failures");
        batch.taskOperations().createTask("job", new TaskAddParameter().withId("crasher")
                .withOutputFiles(List.of(
                        output("../stderr.txt", sasUrl, "crasher/stderr.txt", OutputFileUploadCondition.TASK_FAILURE),
                        output("*.out", sasUrl, "ok", OutputFileUploadCondition.TASK_SUCCESS)))
                .withCommandLine("echo partial > a.out; echo boom >&2; exit 7"));

        CloudTask task = awaitCompleted(batch, "job", "crasher");

        assertThat(task.executionInfo().exitCode()).isEqualTo(7);
        assertThat(azurite.blobNames("failures")).containsExactly("crasher/stderr.txt");
        assertThat(azurite.container("failures").getBlobClient("crasher/stderr.txt").downloadContent().toString())
                .isEqualTo("boom\n");
    }

    private Path taskDir(String taskId) throws Exception {
        String node = batch.taskOperations().getTask("job", taskId).nodeInfo().nodeId();
        return emulator.workDir().resolve("nodes").resolve(node).resolve("workitems/job/job-1").resolve(taskId);
    }

    private static OutputFile output(String pattern, String containerUrl, String path, OutputFileUploadCondition when) {
        return new OutputFile().withFilePattern(pattern)
                .withDestination(new OutputFileDestination().withContainer(
                        new OutputFileBlobContainerDestination().withContainerUrl(containerUrl).withPath(path)))
                .withUploadOptions(new OutputFileUploadOptions().withUploadCondition(when));
    }
}
