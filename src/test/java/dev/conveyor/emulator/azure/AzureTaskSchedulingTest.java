package dev.conveyor.emulator.azure;

import com.microsoft.azure.PagedList;
import com.microsoft.azure.batch.BatchClient;
import com.microsoft.azure.batch.DetailLevel;
import com.microsoft.azure.batch.protocol.models.BatchErrorException;
import com.microsoft.azure.batch.protocol.models.CloudTask;
import com.microsoft.azure.batch.protocol.models.JobAddParameter;
import com.microsoft.azure.batch.protocol.models.PoolInformation;
import com.microsoft.azure.batch.protocol.models.TaskAddCollectionResult;
import com.microsoft.azure.batch.protocol.models.TaskAddParameter;
import com.microsoft.azure.batch.protocol.models.TaskAddResult;
import com.microsoft.azure.batch.protocol.models.TaskAddStatus;
import com.microsoft.azure.batch.protocol.models.TaskDependencies;
import com.microsoft.azure.batch.protocol.models.TaskIdRange;
import com.microsoft.azure.batch.protocol.models.TaskListOptions;
import com.microsoft.azure.batch.protocol.models.TaskState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static dev.conveyor.emulator.azure.AzureBatchTestSupport.awaitCompleted;
import static dev.conveyor.emulator.azure.AzureBatchTestSupport.client;
import static dev.conveyor.emulator.azure.AzureBatchTestSupport.linuxPool;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class AzureTaskSchedulingTest {
    @TempDir
    Path workDir;
    AzureBatchEmulator emulator;
    BatchClient batch;

    @BeforeEach
    void start() throws Exception {
        emulator = AzureBatchEmulator.start(AzureBatchEmulatorOptions.defaults().withWorkDir(workDir));
        batch = client(emulator);
        batch.poolOperations().createPool(linuxPool("pool", 1, 2));
        batch.jobOperations().createJob(new JobAddParameter().withId("job").withUsesTaskDependencies(true)
                .withPoolInfo(new PoolInformation().withPoolId("pool")));
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    @Test
    void addCollectionOfMoreThanOneHundredTasksIsRejected() {
        List<TaskAddParameter> tasks = IntStream.range(0, 101)
                .mapToObj(i -> new TaskAddParameter().withId("t" + i).withCommandLine("true")).toList();

        assertThatThrownBy(() -> batch.protocolLayer().tasks().addCollection("job", tasks))
                .isInstanceOfSatisfying(BatchErrorException.class, e -> {
                    assertThat(e.response().code()).isEqualTo(400);
                    assertThat(e.body().code()).isEqualTo("InvalidPropertyValue");
                    assertThat(e.body().values()).anySatisfy(v -> assertThat(v.value()).contains("100"));
                });
        assertThat(batch.protocolLayer().tasks().list("job")).isEmpty();
    }

    @Test
    void addCollectionReportsEachTaskOutcome() throws Exception {
        batch.taskOperations().createTask("job", new TaskAddParameter().withId("taken").withCommandLine("true"));

        TaskAddCollectionResult result = batch.protocolLayer().tasks().addCollection("job", List.of(
                new TaskAddParameter().withId("new-1").withCommandLine("true"),
                new TaskAddParameter().withId("taken").withCommandLine("true"),
                new TaskAddParameter().withId("bad id!").withCommandLine("true")));

        assertThat(result.value()).extracting(TaskAddResult::taskId).containsExactly("new-1", "taken", "bad id!");
        assertThat(result.value()).extracting(TaskAddResult::status)
                .containsExactly(TaskAddStatus.SUCCESS, TaskAddStatus.CLIENT_ERROR, TaskAddStatus.CLIENT_ERROR);
        assertThat(result.value().get(0).eTag()).isNotBlank();
        assertThat(result.value().get(1).error().code()).isEqualTo("TaskExists");
        assertThat(result.value().get(2).error().code()).isEqualTo("InvalidPropertyValue");
    }

    @Test
    void listTasksHonoursFilterSelectAndPaging() throws Exception {
        batch.taskOperations().createTasks("job", List.of(
                new TaskAddParameter().withId("ok1").withCommandLine("exit 0"),
                new TaskAddParameter().withId("ok2").withCommandLine("exit 0"),
                new TaskAddParameter().withId("bad").withCommandLine("exit 2")));
        await().atMost(Duration.ofSeconds(15)).until(() -> batch.taskOperations().listTasks("job",
                new DetailLevel.Builder().withFilterClause("state eq 'completed'").build()).size() == 3);

        List<CloudTask> succeeded = batch.taskOperations().listTasks("job", new DetailLevel.Builder()
                .withFilterClause("state eq 'completed' and executionInfo/exitCode eq 0")
                .withSelectClause("id,state").build());
        assertThat(succeeded).extracting(CloudTask::id).containsExactly("ok1", "ok2");
        assertThat(succeeded).allSatisfy(t -> {
            assertThat(t.state()).isEqualTo(TaskState.COMPLETED);
            assertThat(t.commandLine()).isNull();
        });

        assertThat(batch.taskOperations().listTasks("job", new DetailLevel.Builder()
                .withFilterClause("(executionInfo/exitCode gt 1) or id eq 'ok1'").build()))
                .extracting(CloudTask::id).containsExactly("ok1", "bad");

        long listCallsBefore = emulator.requestCounts().getOrDefault("Task_List", 0L);
        PagedList<CloudTask> paged = batch.protocolLayer().tasks().list("job", new TaskListOptions().withMaxResults(1));
        assertThat(new ArrayList<>(paged)).extracting(CloudTask::id).containsExactly("ok1", "ok2", "bad");
        assertThat(emulator.requestCounts().get("Task_List") - listCallsBefore).isEqualTo(3);
    }

    @Test
    void invalidFilterIsABadRequest() {
        assertThatThrownBy(() -> batch.taskOperations().listTasks("job",
                new DetailLevel.Builder().withFilterClause("state eq").build()))
                .isInstanceOfSatisfying(BatchErrorException.class, e -> {
                    assertThat(e.response().code()).isEqualTo(400);
                    assertThat(e.body().code()).isEqualTo("InvalidQueryParameterValue");
                });
    }

    @Test
    void dependentTaskWaitsForItsDependencies() throws Exception {
        batch.taskOperations().createTask("job", new TaskAddParameter().withId("1")
                .withCommandLine("sleep 1; echo first > $AZ_BATCH_NODE_SHARED_DIR/first.txt"));
        batch.taskOperations().createTask("job", new TaskAddParameter().withId("2").withCommandLine("true"));
        batch.taskOperations().createTask("job", new TaskAddParameter().withId("after")
                .withDependsOn(new TaskDependencies().withTaskIds(List.of("1"))
                        .withTaskIdRanges(List.of(new TaskIdRange().withStart(1).withEnd(2))))
                .withCommandLine("cat $AZ_BATCH_NODE_SHARED_DIR/first.txt"));

        assertThat(batch.taskOperations().getTask("job", "after").state()).isEqualTo(TaskState.ACTIVE);
        CloudTask after = awaitCompleted(batch, "job", "after");
        CloudTask first = batch.taskOperations().getTask("job", "1");

        assertThat(after.executionInfo().exitCode()).isZero();
        assertThat(after.executionInfo().startTime()).isGreaterThanOrEqualTo(first.executionInfo().endTime());
    }

    @Test
    void taskDependingOnAFailedTaskIsBlocked() throws Exception {
        batch.taskOperations().createTask("job", new TaskAddParameter().withId("broken").withCommandLine("exit 1"));
        batch.taskOperations().createTask("job", new TaskAddParameter().withId("blocked").withCommandLine("true")
                .withDependsOn(new TaskDependencies().withTaskIds(List.of("broken"))));
        batch.taskOperations().createTask("job", new TaskAddParameter().withId("later").withCommandLine("true")
                .withDependsOn(new TaskDependencies().withTaskIds(List.of("broken"))));

        awaitCompleted(batch, "job", "broken");
        batch.taskOperations().createTask("job", new TaskAddParameter().withId("witness").withCommandLine("true"));
        awaitCompleted(batch, "job", "witness");

        assertThat(batch.taskOperations().getTask("job", "blocked").state()).isEqualTo(TaskState.ACTIVE);
    }

    @Test
    void dependenciesNeedAJobThatUsesThem() throws Exception {
        batch.jobOperations().createJob("plain", new PoolInformation().withPoolId("pool"));

        assertThatThrownBy(() -> batch.taskOperations().createTask("plain", new TaskAddParameter().withId("x")
                .withCommandLine("true").withDependsOn(new TaskDependencies().withTaskIds(List.of("y")))))
                .isInstanceOfSatisfying(BatchErrorException.class,
                        e -> assertThat(e.body().code()).isEqualTo("TaskDependenciesNotSpecifiedOnJob"));
    }

    @Test
    void poolSlotsBoundHowManyTasksRunAtOnce() throws Exception {
        for (int i = 0; i < 4; i++) {
            batch.taskOperations().createTask("job", new TaskAddParameter().withId("s" + i).withCommandLine("sleep 2"));
        }

        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
            List<CloudTask> tasks = batch.taskOperations().listTasks("job");
            assertThat(tasks).filteredOn(t -> t.state() == TaskState.RUNNING).hasSize(2);
            assertThat(tasks).filteredOn(t -> t.state() == TaskState.ACTIVE).hasSize(2);
        });
        assertThat(batch.jobOperations().getTaskCounts("job").running()).isEqualTo(2);
        await().atMost(Duration.ofSeconds(20)).until(() -> batch.jobOperations().getTaskCounts("job").completed() == 4);
    }

    @Test
    void missingTaskIsNotFound() {
        assertThatThrownBy(() -> batch.taskOperations().getTask("job", "ghost"))
                .isInstanceOfSatisfying(BatchErrorException.class, e -> {
                    assertThat(e.response().code()).isEqualTo(404);
                    assertThat(e.body().code()).isEqualTo("TaskNotFound");
                });
        assertThatThrownBy(() -> batch.taskOperations().listTasks("no-such-job"))
                .isInstanceOfSatisfying(BatchErrorException.class, e -> assertThat(e.body().code()).isEqualTo("JobNotFound"));
    }
}
