package dev.conveyor.compute.aws;

import dev.conveyor.compute.BackendJob;
import dev.conveyor.compute.TerminalComputeException;
import dev.conveyor.credentials.Profile;
import dev.conveyor.emulator.aws.AwsBatchEmulatorOptions;
import dev.conveyor.engine.EngineSettings;
import dev.conveyor.engine.RunState;
import dev.conveyor.model.JobState;
import dev.conveyor.model.TaskState;
import dev.conveyor.testing.EngineRun;
import dev.conveyor.testing.Jobs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.JobDefinition;
import software.amazon.awssdk.services.batch.model.JobSummary;
import software.amazon.awssdk.services.batch.model.ResourceRequirement;
import software.amazon.awssdk.services.batch.model.ResourceType;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Tasks for Fargate compute environments ({@code runsOn.with.platform: fargate}): their job definitions are made for
 * Fargate — platformCapabilities FARGATE, the execution role, the ECS task's public IP as asked, and, when a task asks
 * for no memory, the least Fargate gives its vCPUs — and they run as on EC2. A size Fargate does not offer fails the
 * task with AWS's words, not retried; Fargate without an execution role, or a platform AWS Batch does not have, fails
 * the job at dispatch, naming the option.
 */
class AwsBatchFargateTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);
    private static final String ROLE = "arn:aws:iam::123456789012:role/ecsTaskExecutionRole";
    private static final Profile DEFAULT = new Profile("default", null, null, Map.of());
    private static AwsBatchFixture fx;
    private static EngineRun run;
    private static BatchClient batch;

    @BeforeAll
    static void start() {
        fx = new AwsBatchFixture("aws-fargate");
        run = new EngineRun(fx.backend, fx.store, EngineSettings.DEFAULT);
        batch = AwsBatchBehaviourTest.client(fx);
    }

    @AfterAll
    static void stop() {
        batch.close();
        fx.close();
    }

    private static String id(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void tasksRunOnFargateWithJobDefinitionsMadeForIt() {
        String jobId = id("fargate");
        RunState s = run.runToEnd(run.open(Jobs.of(jobId, """
                tasks:
                  - {id: small, command: 'echo small', resources: {cpus: 0.5, memory: 1Gi}}
                  - {id: two, command: 'echo two', resources: {cpus: 2}}
                """), Map.of("platform", "fargate", "execution_role_arn", ROLE, "assign_public_ip", "true")), LIMIT);

        assertThat(s.finalState).isEqualTo(JobState.SUCCEEDED);
        assertThat(run.stdout(s, "small")).isEqualTo("small\n");
        assertThat(run.stdout(s, "two")).isEqualTo("two\n");
        List<JobSummary> jobs = batch.listJobs(r -> r.jobQueue(AwsBatchEmulatorOptions.DEFAULT_QUEUE).jobStatus("SUCCEEDED"))
                .jobSummaryList().stream().filter(j -> j.jobName().startsWith(jobId)).toList();
        assertThat(jobs).hasSize(2);
        List<String> ids = jobs.stream().map(JobSummary::jobId).toList();
        List<JobDefinition> used = batch.describeJobs(r -> r.jobs(ids)).jobs().stream()
                .peek(j -> assertThat(j.platformCapabilitiesAsStrings()).as("the job, as AWS describes it")
                        .containsExactly("FARGATE"))
                .map(j -> batch.describeJobDefinitions(r -> r.jobDefinitions(j.jobDefinition())).jobDefinitions().get(0))
                .toList();
        assertThat(used).allSatisfy(d -> {
            assertThat(d.platformCapabilitiesAsStrings()).containsExactly("FARGATE");
            assertThat(d.containerProperties().executionRoleArn()).isEqualTo(ROLE);
            assertThat(d.containerProperties().networkConfiguration().assignPublicIpAsString()).isEqualTo("ENABLED");
            assertThat(d.containerProperties().fargatePlatformConfiguration().platformVersion()).isEqualTo("LATEST");
        });
        assertThat(used).extracting(d -> sizes(d.containerProperties().resourceRequirements()))
                .as("0.5 vCPU with the 1 GiB asked; 2 vCPUs with the least memory Fargate gives them")
                .containsExactlyInAnyOrder("0.5/1024", "2/4096");
    }

    @Test
    void aSizeFargateDoesNotOfferFailsTheTaskWithAwsWordsAndIsNotRetried() {
        RunState s = run.runToEnd(run.open(Jobs.of(id("too-big"), """
                tasks: [{id: big, retries: 2, command: 'echo never', resources: {cpus: 0.5, memory: 8Gi}}]
                """), Map.of("platform", "fargate", "execution_role_arn", ROLE)), LIMIT);

        assertThat(s.finalState).isEqualTo(JobState.FAILED);
        assertThat(s.task("big").state).isEqualTo(TaskState.FAILED);
        assertThat(s.task("big").reason).contains("Fargate resource requirements: with 0.5 VCPU, MEMORY must be from 1024 "
                + "to 4096 MiB in steps of 1024, was 8192");
        assertThat(s.task("big").attempts).as("another attempt would be refused the same").hasSize(1);
    }

    @Test
    void fargateWithoutAnExecutionRoleOrAPlatformBatchDoesNotHaveFailsAtDispatchNamingTheOption() {
        assertThatThrownBy(() -> fx.backend.ensureEnvironment(new BackendJob(id("no-role"), "x", Map.of("platform", "fargate"),
                DEFAULT, Map.of(), null, Map.of()))).isInstanceOf(TerminalComputeException.class)
                .hasMessageContaining("platform fargate needs runsOn.with.execution_role_arn");
        assertThatThrownBy(() -> fx.backend.ensureEnvironment(new BackendJob(id("gpu"), "x", Map.of("platform", "tpu"),
                DEFAULT, Map.of(), null, Map.of()))).isInstanceOf(TerminalComputeException.class)
                .hasMessageContaining("runsOn.with.platform must be ec2 or fargate, was 'tpu'");
    }

    /** {@code <VCPU>/<MEMORY>} of a definition's resource requirements. */
    private static String sizes(List<ResourceRequirement> requirements) {
        String vcpu = requirements.stream().filter(r -> r.type() == ResourceType.VCPU).findFirst().orElseThrow().value();
        String memory = requirements.stream().filter(r -> r.type() == ResourceType.MEMORY).findFirst().orElseThrow().value();
        return vcpu + "/" + memory;
    }
}
