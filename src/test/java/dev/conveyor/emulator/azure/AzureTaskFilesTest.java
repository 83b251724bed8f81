package dev.conveyor.emulator.azure;

import com.microsoft.azure.batch.BatchClient;
import com.microsoft.azure.batch.protocol.models.BatchErrorException;
import com.microsoft.azure.batch.protocol.models.FileProperties;
import com.microsoft.azure.batch.protocol.models.NodeFile;
import com.microsoft.azure.batch.protocol.models.TaskAddParameter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static dev.conveyor.emulator.azure.AzureBatchTestSupport.awaitCompleted;
import static dev.conveyor.emulator.azure.AzureBatchTestSupport.client;
import static dev.conveyor.emulator.azure.AzureBatchTestSupport.poolAndJob;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AzureTaskFilesTest {
    @TempDir
    Path workDir;
    AzureBatchEmulator emulator;
    BatchClient batch;

    @BeforeEach
    void start() throws Exception {
        emulator = AzureBatchEmulator.start(AzureBatchEmulatorOptions.defaults().withWorkDir(workDir));
        batch = client(emulator);
        poolAndJob(batch, "pool", "job", 1, 1);
        batch.taskOperations().createTask("job", new TaskAddParameter().withId("writer")
                .withCommandLine("mkdir -p out && printf 'result-42' > out/result.txt && echo done"));
        awaitCompleted(batch, "job", "writer");
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    @Test
    void taskFilesAreListedWithAndWithoutRecursion() throws Exception {
        List<NodeFile> top = batch.fileOperations().listFilesFromTask("job", "writer");
        assertThat(top).extracting(NodeFile::name).contains("stdout.txt", "stderr.txt", "wd").doesNotContain("wd/out/result.txt");

        List<NodeFile> all = batch.fileOperations().listFilesFromTask("job", "writer", true, null);
        assertThat(all).extracting(NodeFile::name).contains("wd/out", "wd/out/result.txt");
        NodeFile result = all.stream().filter(f -> f.name().equals("wd/out/result.txt")).findFirst().orElseThrow();
        assertThat(result.isDirectory()).isFalse();
        assertThat(result.properties().contentLength()).isEqualTo(9);
        assertThat(result.url()).isEqualTo(emulator.endpoint() + "/jobs/job/tasks/writer/files/wd/out/result.txt");
    }

    @Test
    void fileContentAndPropertiesAreServed() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        batch.fileOperations().getFileFromTask("job", "writer", "wd/out/result.txt", out);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("result-42");

        FileProperties props = batch.fileOperations().getFilePropertiesFromTask("job", "writer", "stdout.txt");
        assertThat(props.contentLength()).isEqualTo(5);
        assertThat(props.lastModified()).isNotNull();
        assertThat(props.creationTime()).isNotNull();
        assertThat(props.fileMode()).startsWith("0100");
    }

    @Test
    void missingFileIsNotFoundAndDeletedFileIsGone() throws Exception {
        assertThatThrownBy(() -> batch.fileOperations().getFileFromTask("job", "writer", "nope.txt", new ByteArrayOutputStream()))
                .isInstanceOfSatisfying(BatchErrorException.class, e -> {
                    assertThat(e.response().code()).isEqualTo(404);
                    assertThat(e.body().code()).isEqualTo("FileNotFound");
                });

        batch.fileOperations().deleteFileFromTask("job", "writer", "wd/out/result.txt");

        assertThat(batch.fileOperations().listFilesFromTask("job", "writer", true, null))
                .extracting(NodeFile::name).doesNotContain("wd/out/result.txt");
    }
}
