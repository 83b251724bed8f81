package dev.conveyor.emulator.aws;

import static dev.conveyor.emulator.aws.AwsEmulatorClients.batch;
import static dev.conveyor.emulator.aws.AwsEmulatorClients.fastOptions;
import static dev.conveyor.emulator.aws.AwsEmulatorClients.shellDefinition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.ClientException;
import software.amazon.awssdk.services.batch.model.ComputeEnvironmentDetail;
import software.amazon.awssdk.services.batch.model.JobDefinition;
import software.amazon.awssdk.services.batch.model.JobQueueDetail;
import software.amazon.awssdk.services.batch.model.RegisterJobDefinitionResponse;
import software.amazon.awssdk.services.batch.model.ResourceRequirement;

class AwsJobDefinitionsTest {

    static AwsBatchEmulator emulator;
    static BatchClient batch;

    @BeforeAll
    static void start() {
        emulator = AwsBatchEmulator.start(fastOptions().defaultVcpus(6).build());
        batch = batch(emulator);
    }

    @AfterAll
    static void stop() {
        batch.close();
        emulator.close();
    }

    @Test
    void registeringTheSameNameAgainAddsARevisionWithItsOwnArn() {
        RegisterJobDefinitionResponse first = shellDefinition(batch, "revisions", "echo one");
        RegisterJobDefinitionResponse second = shellDefinition(batch, "revisions", "echo two");

        assertThat(first.revision()).isEqualTo(1);
        assertThat(second.revision()).isEqualTo(2);
        assertThat(second.jobDefinitionArn())
                .isEqualTo("arn:aws:batch:us-east-1:123456789012:job-definition/revisions:2");
        List<JobDefinition> all = batch.describeJobDefinitions(r -> r.jobDefinitionName("revisions")).jobDefinitions();
        assertThat(all).extracting(JobDefinition::revision).containsExactly(1, 2);
        assertThat(all.get(1).containerProperties().command()).containsExactly("sh", "-c", "echo two");
        assertThat(all.get(1).containerProperties().image()).isEqualTo("public.ecr.aws/docker/library/busybox:latest");
        assertThat(all).allSatisfy(d -> assertThat(d.status()).isEqualTo("ACTIVE"));
    }

    @Test
    void describingByNameRevisionOrArnFindsExactlyThatRevision() {
        shellDefinition(batch, "exact", "true");
        RegisterJobDefinitionResponse second = shellDefinition(batch, "exact", "true");

        assertThat(batch.describeJobDefinitions(r -> r.jobDefinitions("exact:1")).jobDefinitions())
                .extracting(JobDefinition::revision).containsExactly(1);
        assertThat(batch.describeJobDefinitions(r -> r.jobDefinitions(second.jobDefinitionArn())).jobDefinitions())
                .extracting(JobDefinition::revision).containsExactly(2);
    }

    @Test
    void deregisteredRevisionsBecomeInactiveAndCannotBeSubmitted() {
        shellDefinition(batch, "retired", "true");
        shellDefinition(batch, "retired", "true");

        batch.deregisterJobDefinition(r -> r.jobDefinition("retired:1"));

        assertThat(batch.describeJobDefinitions(r -> r.jobDefinitionName("retired").status("INACTIVE")).jobDefinitions())
                .extracting(JobDefinition::revision).containsExactly(1);
        assertThat(batch.describeJobDefinitions(r -> r.jobDefinitionName("retired").status("ACTIVE")).jobDefinitions())
                .extracting(JobDefinition::revision).containsExactly(2);
        assertThatThrownBy(() -> batch.submitJob(r -> r.jobName("j").jobQueue("conveyor-queue")
                .jobDefinition("retired:1")))
                .isInstanceOf(ClientException.class)
                .satisfies(e -> assertThat(((ClientException) e).statusCode()).isEqualTo(400));
        // by bare name, the latest active revision is used
        assertThat(batch.submitJob(r -> r.jobName("j").jobQueue("conveyor-queue").jobDefinition("retired")).jobId())
                .isNotBlank();
    }

    @Test
    void aDefinitionWithoutContainerPropertiesIsRejectedAsClientException() {
        assertThatThrownBy(() -> batch.registerJobDefinition(r -> r.jobDefinitionName("bad").type("container")))
                .isInstanceOf(ClientException.class)
                .hasMessageContaining("containerProperties");
        assertThatThrownBy(() -> batch.registerJobDefinition(r -> r.jobDefinitionName("bad name").type("container")
                .containerProperties(AwsEmulatorClients.shell("true"))))
                .isInstanceOf(ClientException.class);
    }

    @Test
    void describingJobDefinitionsPagesWithNextToken() {
        for (int i = 0; i < 5; i++) {
            shellDefinition(batch, "paged", "true");
        }
        var first = batch.describeJobDefinitions(r -> r.jobDefinitionName("paged").maxResults(2));
        var second = batch.describeJobDefinitions(r -> r.jobDefinitionName("paged").maxResults(2).nextToken(first.nextToken()));
        assertThat(first.jobDefinitions()).extracting(JobDefinition::revision).containsExactly(1, 2);
        assertThat(second.jobDefinitions()).extracting(JobDefinition::revision).containsExactly(3, 4);
        assertThat(batch.describeJobDefinitionsPaginator(r -> r.jobDefinitionName("paged").maxResults(2))
                .jobDefinitions().stream().count()).isEqualTo(5);
    }

    @Test
    void theDefaultQueueAndComputeEnvironmentAreDescribed() {
        List<JobQueueDetail> queues = batch.describeJobQueues(r -> r.jobQueues("conveyor-queue")).jobQueues();
        List<ComputeEnvironmentDetail> envs = batch.describeComputeEnvironments(r -> { }).computeEnvironments();

        assertThat(queues).singleElement().satisfies(q -> {
            assertThat(q.jobQueueArn()).isEqualTo("arn:aws:batch:us-east-1:123456789012:job-queue/conveyor-queue");
            assertThat(q.stateAsString()).isEqualTo("ENABLED");
            assertThat(q.statusAsString()).isEqualTo("VALID");
            assertThat(q.computeEnvironmentOrder()).singleElement()
                    .satisfies(o -> assertThat(o.computeEnvironment()).isEqualTo(envs.get(0).computeEnvironmentArn()));
        });
        assertThat(envs).singleElement().satisfies(ce -> {
            assertThat(ce.computeEnvironmentName()).isEqualTo("conveyor-ce");
            assertThat(ce.computeResources().maxvCpus()).isEqualTo(6);
        });
        assertThat(batch.describeJobQueues(r -> r.jobQueues("nope")).jobQueues()).isEmpty();
    }

    /** What AWS Batch requires of a Fargate definition, refused as a ClientException that names it. */
    @Test
    void fargateDefinitionsNeedAnExecutionRoleAndASizeFargateOffersAndNoGpu() {
        String role = "arn:aws:iam::123456789012:role/ecsTaskExecutionRole";
        assertThat(fargate("fargate-ok", role, "0.25", "512", null).revision()).isEqualTo(1);
        assertThat(batch.describeJobDefinitions(r -> r.jobDefinitions("fargate-ok:1")).jobDefinitions().get(0)
                .platformCapabilitiesAsStrings()).containsExactly("FARGATE");
        assertThatThrownBy(() -> fargate("fargate-no-role", null, "1", "2048", null)).isInstanceOf(ClientException.class)
                .hasMessageContaining("Fargate job definitions require containerProperties.executionRoleArn");
        assertThatThrownBy(() -> fargate("fargate-odd", role, "0.3", "1024", null)).isInstanceOf(ClientException.class)
                .hasMessageContaining("VCPU must be one of 0.25, 0.5, 1, 2, 4, 8, 16, was 0.3");
        assertThatThrownBy(() -> fargate("fargate-step", role, "8", "18000", null)).isInstanceOf(ClientException.class)
                .hasMessageContaining("with 8 VCPU, MEMORY must be from 16384 to 61440 MiB in steps of 4096, was 18000");
        assertThatThrownBy(() -> fargate("fargate-gpu", role, "1", "2048", "1")).isInstanceOf(ClientException.class)
                .hasMessageContaining("GPU resources are not supported for Fargate job definitions");
    }

    private static RegisterJobDefinitionResponse fargate(String name, String role, String vcpu, String memory, String gpu) {
        List<ResourceRequirement> req = new java.util.ArrayList<>(List.of(
                ResourceRequirement.builder().type("VCPU").value(vcpu).build(),
                ResourceRequirement.builder().type("MEMORY").value(memory).build()));
        if (gpu != null) {
            req.add(ResourceRequirement.builder().type("GPU").value(gpu).build());
        }
        return batch.registerJobDefinition(r -> r.jobDefinitionName(name).type("container")
                .platformCapabilitiesWithStrings("FARGATE")
                .containerProperties(c -> c.image("public.ecr.aws/docker/library/busybox:latest").executionRoleArn(role)
                        .resourceRequirements(req)));
    }
}
