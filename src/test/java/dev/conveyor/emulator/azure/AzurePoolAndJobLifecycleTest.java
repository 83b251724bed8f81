package dev.conveyor.emulator.azure;

import com.microsoft.azure.batch.BatchClient;
import com.microsoft.azure.batch.DetailLevel;
import com.microsoft.azure.batch.protocol.models.AllocationState;
import com.microsoft.azure.batch.protocol.models.BatchErrorException;
import com.microsoft.azure.batch.protocol.models.CloudJob;
import com.microsoft.azure.batch.protocol.models.CloudPool;
import com.microsoft.azure.batch.protocol.models.JobAddParameter;
import com.microsoft.azure.batch.protocol.models.JobConstraints;
import com.microsoft.azure.batch.protocol.models.JobPatchParameter;
import com.microsoft.azure.batch.protocol.models.JobState;
import com.microsoft.azure.batch.protocol.models.OnAllTasksComplete;
import com.microsoft.azure.batch.protocol.models.PoolInformation;
import com.microsoft.azure.batch.protocol.models.PoolState;
import com.microsoft.azure.batch.protocol.models.TaskAddParameter;
import com.microsoft.azure.batch.protocol.models.TaskCounts;
import org.joda.time.Period;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static dev.conveyor.emulator.azure.AzureBatchTestSupport.client;
import static dev.conveyor.emulator.azure.AzureBatchTestSupport.linuxPool;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class AzurePoolAndJobLifecycleTest {
    @TempDir
    Path workDir;
    AzureBatchEmulator emulator;
    BatchClient batch;

    @BeforeEach
    void start() {
        emulator = AzureBatchEmulator.start(AzureBatchEmulatorOptions.defaults().withWorkDir(workDir));
        batch = client(emulator);
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    @Test
    void poolIsResizingThenSteadyWithItsTargetNodes() throws Exception {
        batch.poolOperations().createPool(linuxPool("pool-a", 2, 4));

        CloudPool created = batch.poolOperations().getPool("pool-a");
        assertThat(created.state()).isEqualTo(PoolState.ACTIVE);
        assertThat(created.allocationState()).isEqualTo(AllocationState.RESIZING);
        assertThat(created.eTag()).startsWith("0x");
        assertThat(created.url()).isEqualTo(emulator.endpoint() + "/pools/pool-a");

        await().atMost(Duration.ofSeconds(10)).until(() ->
                batch.poolOperations().getPool("pool-a").allocationState() == AllocationState.STEADY);
        CloudPool steady = batch.poolOperations().getPool("pool-a");
        assertThat(steady.currentDedicatedNodes()).isEqualTo(2);
        assertThat(steady.taskSlotsPerNode()).isEqualTo(4);
    }

    @Test
    void addingAnExistingPoolIsAConflict() throws Exception {
        batch.poolOperations().createPool(linuxPool("dup", 0, 1));

        assertThatThrownBy(() -> batch.poolOperations().createPool(linuxPool("DUP", 0, 1)))
                .isInstanceOfSatisfying(BatchErrorException.class, e -> {
                    assertThat(e.response().code()).isEqualTo(409);
                    assertThat(e.body().code()).isEqualTo("PoolExists");
                    assertThat(e.body().message().value()).isNotBlank();
                });
    }

    @Test
    void missingPoolIsNotFoundAndDoesNotExist() throws Exception {
        assertThat(batch.poolOperations().existsPool("nope")).isFalse();
        assertThatThrownBy(() -> batch.poolOperations().getPool("nope"))
                .isInstanceOfSatisfying(BatchErrorException.class, e -> {
                    assertThat(e.response().code()).isEqualTo(404);
                    assertThat(e.body().code()).isEqualTo("PoolNotFound");
                });
    }

    @Test
    void poolCanBeListedFilteredResizedAutoscaledAndDeleted() throws Exception {
        batch.poolOperations().createPool(linuxPool("keep", 1, 1));
        batch.poolOperations().createPool(linuxPool("other", 0, 1));
        assertThat(batch.poolOperations().existsPool("keep")).isTrue();

        assertThat(batch.poolOperations().listPools(new DetailLevel.Builder()
                .withFilterClause("startswith(id,'ke')").withSelectClause("id,state").build()))
                .extracting(CloudPool::id).containsExactly("keep");

        batch.poolOperations().resizePool("keep", 3, 0);
        await().atMost(Duration.ofSeconds(10)).until(() ->
                batch.poolOperations().getPool("keep").currentDedicatedNodes() == 3);

        batch.poolOperations().enableAutoScale("keep", "$TargetDedicatedNodes = 1;", Period.minutes(5));
        await().atMost(Duration.ofSeconds(10)).until(() ->
                batch.poolOperations().getPool("keep").currentDedicatedNodes() == 1);
        assertThat(batch.poolOperations().getPool("keep").enableAutoScale()).isTrue();
        assertThatThrownBy(() -> batch.poolOperations().resizePool("keep", 2, 0))
                .isInstanceOf(BatchErrorException.class);
        batch.poolOperations().disableAutoScale("keep");
        assertThat(batch.poolOperations().getPool("keep").enableAutoScale()).isFalse();

        batch.poolOperations().deletePool("keep");
        assertThat(batch.poolOperations().getPool("keep").state()).isEqualTo(PoolState.DELETING);
        await().atMost(Duration.ofSeconds(10)).until(() -> !batch.poolOperations().existsPool("keep"));
    }

    @Test
    void jobCanBeAddedPatchedTerminatedAndDeleted() throws Exception {
        batch.poolOperations().createPool(linuxPool("p", 1, 1));
        batch.jobOperations().createJob(new JobAddParameter().withId("job").withPriority(10)
                .withPoolInfo(new PoolInformation().withPoolId("p")).withUsesTaskDependencies(true)
                .withConstraints(new JobConstraints().withMaxTaskRetryCount(2)));

        CloudJob job = batch.jobOperations().getJob("job");
        assertThat(job.state()).isEqualTo(JobState.ACTIVE);
        assertThat(job.priority()).isEqualTo(10);
        assertThat(job.usesTaskDependencies()).isTrue();
        assertThat(job.onAllTasksComplete()).isEqualTo(OnAllTasksComplete.NO_ACTION);
        assertThat(job.executionInfo().poolId()).isEqualTo("p");

        assertThatThrownBy(() -> batch.jobOperations().createJob("job", new PoolInformation().withPoolId("p")))
                .isInstanceOfSatisfying(BatchErrorException.class, e -> assertThat(e.body().code()).isEqualTo("JobExists"));

        batch.jobOperations().patchJob("job", new JobPatchParameter().withPriority(100).withMaxParallelTasks(3));
        CloudJob patched = batch.jobOperations().getJob("job");
        assertThat(patched.priority()).isEqualTo(100);
        assertThat(patched.maxParallelTasks()).isEqualTo(3);
        assertThat(patched.constraints().maxTaskRetryCount()).isEqualTo(2);
        assertThat(patched.eTag()).isNotEqualTo(job.eTag());

        batch.jobOperations().terminateJob("job", "done here");
        await().atMost(Duration.ofSeconds(10)).until(() -> batch.jobOperations().getJob("job").state() == JobState.COMPLETED);
        assertThat(batch.jobOperations().getJob("job").executionInfo().terminateReason()).isEqualTo("done here");
        assertThatThrownBy(() -> batch.taskOperations().createTask("job", new TaskAddParameter().withId("t").withCommandLine("true")))
                .isInstanceOfSatisfying(BatchErrorException.class, e -> assertThat(e.body().code()).isEqualTo("JobCompleted"));

        batch.jobOperations().deleteJob("job");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThatThrownBy(() -> batch.jobOperations().getJob("job"))
                .isInstanceOfSatisfying(BatchErrorException.class, e -> assertThat(e.body().code()).isEqualTo("JobNotFound")));
    }

    @Test
    void jobWithTerminateJobOnAllTasksCompleteEndsWhenItsTasksAreDone() throws Exception {
        batch.poolOperations().createPool(linuxPool("p", 1, 2));
        batch.jobOperations().createJob("auto", new PoolInformation().withPoolId("p"));
        batch.taskOperations().createTask("auto", new TaskAddParameter().withId("ok").withCommandLine("true"));
        batch.taskOperations().createTask("auto", new TaskAddParameter().withId("bad").withCommandLine("false"));
        batch.jobOperations().patchJob("auto", OnAllTasksComplete.TERMINATE_JOB);

        await().atMost(Duration.ofSeconds(15)).until(() -> batch.jobOperations().getJob("auto").state() == JobState.COMPLETED);

        CloudJob job = batch.jobOperations().getJob("auto");
        assertThat(job.executionInfo().terminateReason()).isEqualTo("AllTasksComplete");
        assertThat(job.executionInfo().endTime()).isNotNull();
        TaskCounts counts = batch.jobOperations().getTaskCounts("auto");
        assertThat(counts.completed()).isEqualTo(2);
        assertThat(counts.succeeded()).isEqualTo(1);
        assertThat(counts.failed()).isEqualTo(1);
    }

    @Test
    void jobExceedingMaxWallClockTimeIsTerminated() throws Exception {
        batch.poolOperations().createPool(linuxPool("p", 1, 1));
        batch.jobOperations().createJob(new JobAddParameter().withId("bounded")
                .withPoolInfo(new PoolInformation().withPoolId("p"))
                .withConstraints(new JobConstraints().withMaxWallClockTime(Period.seconds(1))));
        batch.taskOperations().createTask("bounded", new TaskAddParameter().withId("sleepy").withCommandLine("sleep 30"));

        await().atMost(Duration.ofSeconds(15)).until(() -> batch.jobOperations().getJob("bounded").state() == JobState.COMPLETED);

        assertThat(batch.jobOperations().getJob("bounded").executionInfo().terminateReason()).isEqualTo("MaxWallClockTimeExpiry");
        assertThat(batch.taskOperations().getTask("bounded", "sleepy").executionInfo().failureInfo().code()).isEqualTo("TaskEnded");
    }
}
