package dev.conveyor.compute.azure;

import com.microsoft.azure.batch.BatchClient;
import com.microsoft.azure.batch.protocol.models.CloudPool;
import com.microsoft.azure.batch.protocol.models.ImageReference;
import com.microsoft.azure.batch.protocol.models.JobState;
import com.microsoft.azure.batch.protocol.models.MetadataItem;
import com.microsoft.azure.batch.protocol.models.PoolAddParameter;
import com.microsoft.azure.batch.protocol.models.PoolState;
import com.microsoft.azure.batch.protocol.models.TaskState;
import com.microsoft.azure.batch.protocol.models.VirtualMachineConfiguration;
import dev.conveyor.compute.BackendJob;
import dev.conveyor.compute.TaskHandle;
import dev.conveyor.compute.TaskLaunch;
import dev.conveyor.compute.TaskObservation;
import dev.conveyor.credentials.Profile;
import dev.conveyor.emulator.azure.AzureBatchEmulatorOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Pools made, reused and left alone; Batch jobs tagged, terminated on cancel, deleted on release; idle pools of ours deleted. */
class AzureBatchPoolsAndJobsTest {
    @TempDir
    static Path root;
    private static AzureBatchFixture azure;
    private static BatchClient client;

    @BeforeAll
    static void start() {
        azure = new AzureBatchFixture(root, AzureBatchEmulatorOptions.defaults().withAllocationDelay(Duration.ofMillis(50)),
                AzureBatchSettings.DEFAULT.withSweepInterval(Duration.ZERO).withPoolIdleTtl(Duration.ZERO));
        client = azure.client();
    }

    @AfterAll
    static void stop() {
        azure.close();
    }

    static BackendJob job(String id, Map<String, String> options) {
        return new BackendJob(id, id, options, new Profile("default", null, null, Map.of()), Map.of("team", "data"),
                Instant.now().plus(Duration.ofMinutes(10)), Map.of());
    }

    static BackendJob opened(AzureBatchComputeBackend backend, BackendJob job) {
        return job.withEnvironment(backend.ensureEnvironment(job));
    }

    static TaskLaunch launch(String jobId, String task, String command) {
        return new TaskLaunch(task, 1, jobId + "-" + task + "-1", command, Map.of(), null, null, 0, null, 0, null);
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void aMissingPoolIsCreatedFromTheOptionsAndTaggedAndAJobIsTaggedWithItsConveyorId() throws Exception {
        String pool = unique("made");
        BackendJob job = opened(azure.backend, job("Job.With.Dots-" + pool, Map.of("pool_id", pool, "vm_size", "standard_d4s_v3",
                "node_count", "2", "max_tasks_per_node", "4")));

        CloudPool p = client.poolOperations().getPool(pool);
        assertThat(p.vmSize()).isEqualTo("standard_d4s_v3");
        assertThat(p.targetDedicatedNodes()).isEqualTo(2);
        assertThat(p.taskSlotsPerNode()).isEqualTo(4);
        assertThat(p.metadata()).extracting(MetadataItem::name).contains(PoolKeeper.CREATED_BY);
        String batchJob = job.environment().get(AzureBatchComputeBackend.ENV_JOB);
        assertThat(batchJob).matches("[a-z0-9_-]{1,64}").doesNotContain(".");
        var cloudJob = client.jobOperations().getJob(batchJob);
        assertThat(cloudJob.poolInfo().poolId()).isEqualTo(pool);
        assertThat(cloudJob.metadata()).extracting(MetadataItem::name, MetadataItem::value)
                .contains(org.assertj.core.groups.Tuple.tuple(AzureBatchComputeBackend.JOB_TAG, job.jobId()),
                        org.assertj.core.groups.Tuple.tuple("label-team", "data"));
        assertThat(azure.backend.jobsHeld()).contains(job.jobId());

        // ensuring again (a re-delivered dispatch) creates nothing new and fails nothing
        assertThat(azure.backend.ensureEnvironment(job)).isEqualTo(job.environment());
        azure.backend.release(job);
        await().atMost(Duration.ofSeconds(10)).until(() -> !azure.backend.jobsHeld().contains(job.jobId()));
    }

    @Test
    void aConcurrentCreatorsPoolExistsIsNoFailure() {
        String pool = unique("race");
        AzureBatchApi api = AzureBatchApi.connect(AzureBatchFixture.batchAccount(azure.emulator), Duration.ofSeconds(10));
        var spec = AzureBatchOptions.of(job("x", Map.of("node_count", "0"))).poolSpec(pool, Map.of(PoolKeeper.CREATED_BY, "t"));
        assertThat(api.createPool(spec)).isTrue();
        assertThat(api.createPool(spec)).as("PoolExists answers false, not an error").isFalse();
    }

    @Test
    void aPoolConveyorDidNotCreateIsUsedAsItIsAndNeverDeleted() throws Exception {
        String pool = unique("theirs");
        client.poolOperations().createPool(new PoolAddParameter().withId(pool).withVmSize("standard_a1_v2")
                .withVirtualMachineConfiguration(new VirtualMachineConfiguration().withImageReference(new ImageReference()
                        .withPublisher("canonical").withOffer("0001-com-ubuntu-server-jammy").withSku("22_04-lts"))
                        .withNodeAgentSKUId("batch.node.ubuntu 22.04"))
                .withTargetDedicatedNodes(1).withMetadata(List.of(new MetadataItem().withName("owner").withValue("them"))));
        long resizes = azure.count("Pool_Resize") + azure.count("Pool_Patch") + azure.count("Pool_UpdateProperties");

        BackendJob job = opened(azure.backend, job(unique("use-theirs"), Map.of("pool_id", pool, "vm_size", "standard_d64s_v3",
                "node_count", "50")));
        List<TaskHandle> h = azure.backend.submit(job, List.of(launch(job.jobId(), "t", "echo on their pool")));
        await().atMost(Duration.ofSeconds(20)).until(() -> azure.backend.describe(h).get(h.get(0)).phase() == TaskObservation.Phase.ENDED);
        azure.backend.release(job);
        azure.backend.sweepPools();
        azure.backend.sweepPools();

        CloudPool p = client.poolOperations().getPool(pool);
        assertThat(p.state()).isEqualTo(PoolState.ACTIVE);
        assertThat(p.vmSize()).isEqualTo("standard_a1_v2");
        assertThat(p.targetDedicatedNodes()).isEqualTo(1);
        assertThat(p.metadata()).extracting(MetadataItem::name).containsExactly("owner");
        assertThat(azure.count("Pool_Resize") + azure.count("Pool_Patch") + azure.count("Pool_UpdateProperties")).isEqualTo(resizes);
    }

    @Test
    void aPoolConveyorCreatedIsDeletedOnceIdleButNotWhileAJobUsesIt() throws Exception {
        String pool = unique("idle");
        BackendJob first = opened(azure.backend, job(unique("a"), Map.of("pool_id", pool, "node_count", "0")));
        BackendJob second = opened(azure.backend, job(unique("b"), Map.of("pool_id", pool, "node_count", "0")));
        azure.backend.release(first);
        assertThat(azure.backend.sweepPools()).as("the second job still uses it").doesNotContain(pool);

        azure.backend.release(second);
        await().atMost(Duration.ofSeconds(10)).until(() -> azure.backend.sweepPools().contains(pool));
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            try {
                return client.poolOperations().getPool(pool).state() == PoolState.DELETING;
            } catch (com.microsoft.azure.batch.protocol.models.BatchErrorException e) {
                return e.response().code() == 404;
            }
        });
    }

    @Test
    void aPoolThatGoesWhileAJobWaitsOnItIsCreatedAgainAndRunsTheJobsTasks() throws Exception {
        String pool = unique("gone");
        BackendJob job = opened(azure.backend, job(unique("waits"), Map.of("pool_id", pool, "node_count", "1")));
        client.poolOperations().deletePool(pool); // by hand, or another instance's idle sweep racing this dispatch
        await().atMost(Duration.ofSeconds(10)).until(() -> !client.poolOperations().existsPool(pool));
        long adds = azure.count("Pool_Add");

        List<TaskHandle> h = azure.backend.submit(job, List.of(launch(job.jobId(), "t", "echo on the pool made again")));
        await().atMost(Duration.ofSeconds(30)).until(() -> azure.backend.describe(h).get(h.get(0)).phase()
                == TaskObservation.Phase.ENDED);

        assertThat(azure.backend.describe(h).get(h.get(0)).exitCode()).as("Azure would have kept it waiting").isZero();
        assertThat(azure.count("Pool_Add")).isEqualTo(adds + 1);
        assertThat(client.poolOperations().getPool(pool).metadata()).extracting(MetadataItem::name)
                .as("ours, so the idle sweep deletes it in its time").contains(PoolKeeper.CREATED_BY);
        azure.backend.release(job);
    }

    @Test
    void aBurstOfJobsOnOnePoolAsksForItOnce() throws Exception {
        String pool = unique("burst");
        long gets = azure.count("Pool_Get");
        long adds = azure.count("Pool_Add");
        var threads = java.util.concurrent.Executors.newFixedThreadPool(8);
        List<BackendJob> jobs = new java.util.ArrayList<>();
        try {
            List<java.util.concurrent.Future<BackendJob>> opening = new java.util.ArrayList<>();
            for (int i = 0; i < 24; i++) {
                BackendJob j = job(unique("burst-job"), Map.of("pool_id", pool, "node_count", "0"));
                opening.add(threads.submit(() -> opened(azure.backend, j)));
            }
            for (var f : opening) {
                jobs.add(f.get());
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(jobs).allSatisfy(j -> assertThat(j.environment()).containsEntry(AzureBatchComputeBackend.ENV_POOL, pool));
        assertThat(azure.count("Pool_Get") - gets).as("one Pool_Get for 24 jobs, not 24 (Azure throttles its control plane)")
                .isEqualTo(1);
        assertThat(azure.count("Pool_Add") - adds).isEqualTo(1);
        jobs.forEach(azure.backend::release);
    }

    @Test
    void cancelTerminatesTheBatchJobMidRunAndReleaseDeletesIt() throws Exception {
        BackendJob job = opened(azure.backend, job(unique("cancel"), Map.of("pool_id", unique("cp"), "node_count", "1")));
        List<TaskHandle> h = azure.backend.submit(job, List.of(launch(job.jobId(), "long", "sleep 60"),
                launch(job.jobId(), "waits", "sleep 60"), launch(job.jobId(), "also", "sleep 60")));
        await().atMost(Duration.ofSeconds(20)).until(() -> azure.backend.describe(h).values().stream()
                .anyMatch(o -> o.phase() == TaskObservation.Phase.RUNNING));

        azure.backend.terminate(job, h, "cancelled: user asked");

        String batchJob = job.environment().get(AzureBatchComputeBackend.ENV_JOB);
        await().atMost(Duration.ofSeconds(20)).until(() -> client.jobOperations().getJob(batchJob).state() == JobState.COMPLETED);
        assertThat(client.taskOperations().listTasks(batchJob)).allMatch(t -> t.state() == TaskState.COMPLETED);
        assertThat(azure.backend.describe(h).values()).allMatch(o -> o.phase() == TaskObservation.Phase.ENDED);

        azure.backend.release(job);
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            try {
                client.jobOperations().getJob(batchJob);
                return false;
            } catch (com.microsoft.azure.batch.protocol.models.BatchErrorException e) {
                return e.response().code() == 404;
            }
        });
        assertThat(azure.backend.describe(h).values()).allMatch(o -> o.phase() == TaskObservation.Phase.LOST);
    }

    @Test
    void anUnknownOptionIsRefusedNamingIt() {
        assertThatThrownBy(() -> azure.backend.ensureEnvironment(job(unique("typo"), Map.of("vm_sise", "x"))))
                .hasMessageContaining("unknown azure-batch option(s) [vm_sise]");
    }

    @Test
    void theSameAzureIdAlwaysAndDistinctOnesForIdsThatDifferOnlyInCaseOrDots() {
        assertThat(AzureIds.job("job-1")).isEqualTo("cv-job-1");
        assertThat(AzureIds.job("Job.1")).isNotEqualTo(AzureIds.job("job-1")).isEqualTo(AzureIds.job("Job.1"));
        assertThat(AzureIds.task("A", 1)).isNotEqualTo(AzureIds.task("a", 1));
        assertThat(AzureIds.task("x".repeat(100), 3)).hasSize(64);
    }
}
