package dev.conveyor.emulator.azure;

import com.microsoft.azure.batch.BatchClient;
import com.microsoft.azure.batch.protocol.models.CloudTask;
import com.microsoft.azure.batch.protocol.models.EnvironmentSetting;
import com.microsoft.azure.batch.protocol.models.TaskAddParameter;
import com.microsoft.azure.batch.protocol.models.TaskConstraints;
import com.microsoft.azure.batch.protocol.models.TaskExecutionResult;
import com.microsoft.azure.batch.protocol.models.TaskState;
import org.joda.time.Period;
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

class AzureTaskExecutionTest {
    @TempDir
    Path workDir;
    AzureBatchEmulator emulator;
    BatchClient batch;

    @BeforeEach
    void start() throws Exception {
        emulator = AzureBatchEmulator.start(AzureBatchEmulatorOptions.defaults().withWorkDir(workDir)
                .withAccount("testaccount", null));
        batch = client(emulator);
        poolAndJob(batch, "pool-1", "job-1", 1, 2);
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    @Test
    void taskRunsAsProcessAndReportsExitCodeAndStdout() throws Exception {
        batch.taskOperations().createTask("job-1", new TaskAddParameter().withId("hello")
                .withCommandLine("echo hello from $AZ_BATCH_TASK_ID in $AZ_BATCH_JOB_ID; echo oops >&2; exit 0"));

        CloudTask task = awaitCompleted(batch, "job-1", "hello");

        assertThat(task.executionInfo().exitCode()).isZero();
        assertThat(task.executionInfo().result()).isEqualTo(TaskExecutionResult.SUCCESS);
        assertThat(task.executionInfo().startTime()).isNotNull();
        assertThat(task.executionInfo().endTime()).isNotNull();
        assertThat(task.nodeInfo().poolId()).isEqualTo("pool-1");
        assertThat(task.previousState()).isEqualTo(TaskState.RUNNING);
        assertThat(read("job-1", "hello", "stdout.txt")).isEqualTo("hello from hello in job-1\n");
        assertThat(read("job-1", "hello", "stderr.txt")).isEqualTo("oops\n");
    }

    @Test
    void nonZeroExitCodeFailsTheTaskWithFailureInfo() throws Exception {
        batch.taskOperations().createTask("job-1", new TaskAddParameter().withId("fails").withCommandLine("exit 3"));

        CloudTask task = awaitCompleted(batch, "job-1", "fails");

        assertThat(task.executionInfo().exitCode()).isEqualTo(3);
        assertThat(task.executionInfo().result()).isEqualTo(TaskExecutionResult.FAILURE);
        assertThat(task.executionInfo().failureInfo().code()).isEqualTo("FailureExitCode");
        assertThat(task.executionInfo().retryCount()).isZero();
    }

    @Test
    void environmentSettingsAndBatchVariablesReachTheProcess() throws Exception {
        batch.taskOperations().createTask("job-1", new TaskAddParameter().withId("env")
                .withEnvironmentSettings(List.of(new EnvironmentSetting().withName("GREETING").withValue("hi")))
                .withCommandLine("echo $GREETING $AZ_BATCH_ACCOUNT_NAME $AZ_BATCH_POOL_ID; pwd; echo $AZ_BATCH_TASK_WORKING_DIR; "
                        + "test -d \"$AZ_BATCH_NODE_ROOT_DIR\" && echo root-ok"));

        awaitCompleted(batch, "job-1", "env");

        String[] lines = read("job-1", "env", "stdout.txt").split("\n");
        assertThat(lines[0]).isEqualTo("hi testaccount pool-1");
        assertThat(lines[1]).isEqualTo(lines[2]).endsWith("/workitems/job-1/job-1/env/wd");
        assertThat(lines[3]).isEqualTo("root-ok");
    }

    @Test
    void failingTaskIsRetriedUpToMaxTaskRetryCount() throws Exception {
        batch.taskOperations().createTask("job-1", new TaskAddParameter().withId("retry")
                .withConstraints(new TaskConstraints().withMaxTaskRetryCount(2))
                .withCommandLine("echo attempt >> ../../attempts.log; exit 1"));

        CloudTask task = awaitCompleted(batch, "job-1", "retry");

        assertThat(task.executionInfo().retryCount()).isEqualTo(2);
        assertThat(task.executionInfo().lastRetryTime()).isNotNull();
        assertThat(task.executionInfo().result()).isEqualTo(TaskExecutionResult.FAILURE);
        assertThat(task.executionInfo().exitCode()).isEqualTo(1);
    }

    @Test
    void taskExceedingMaxWallClockTimeIsKilled() throws Exception {
        batch.taskOperations().createTask("job-1", new TaskAddParameter().withId("slow")
                .withConstraints(new TaskConstraints().withMaxWallClockTime(Period.seconds(1)).withMaxTaskRetryCount(3))
                .withCommandLine("sleep 30"));

        CloudTask task = awaitCompleted(batch, "job-1", "slow");

        assertThat(task.executionInfo().result()).isEqualTo(TaskExecutionResult.FAILURE);
        assertThat(task.executionInfo().failureInfo().code()).isEqualTo("TaskEnded");
        assertThat(task.executionInfo().retryCount()).isZero();
        assertThat(new org.joda.time.Duration(task.executionInfo().startTime(), task.executionInfo().endTime())
                .getStandardSeconds()).isLessThan(10);
    }

    @Test
    void terminatingARunningTaskEndsIt() throws Exception {
        batch.taskOperations().createTask("job-1", new TaskAddParameter().withId("long").withCommandLine("sleep 30"));
        AzureBatchTestSupport.awaitState(batch, "job-1", "long", TaskState.RUNNING, java.time.Duration.ofSeconds(10));

        batch.taskOperations().terminateTask("job-1", "long");

        CloudTask task = awaitCompleted(batch, "job-1", "long");
        assertThat(task.executionInfo().failureInfo().code()).isEqualTo("TaskEnded");
    }

    private String read(String job, String task, String file) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        batch.fileOperations().getFileFromTask(job, task, file, out);
        return out.toString(StandardCharsets.UTF_8);
    }
}
