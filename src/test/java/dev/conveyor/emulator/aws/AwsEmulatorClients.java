package dev.conveyor.emulator.aws;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.ContainerProperties;
import software.amazon.awssdk.services.batch.model.JobDetail;
import software.amazon.awssdk.services.batch.model.JobStatus;
import software.amazon.awssdk.services.batch.model.RegisterJobDefinitionResponse;
import software.amazon.awssdk.services.batch.model.ResourceRequirement;
import software.amazon.awssdk.services.batch.model.ResourceType;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;

import static org.awaitility.Awaitility.await;

/** Official SDK clients pointed at an emulator, and small helpers the AWS emulator tests share. */
final class AwsEmulatorClients {

    private AwsEmulatorClients() {
    }

    static BatchClient batch(AwsBatchEmulator emulator) {
        return batch(emulator, emulator.secretAccessKey(), true);
    }

    static BatchClient batch(AwsBatchEmulator emulator, String secret, boolean retries) {
        return BatchClient.builder()
                .endpointOverride(URI.create(emulator.endpoint()))
                .region(Region.of(emulator.region()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(emulator.accessKeyId(), secret)))
                .overrideConfiguration(c -> {
                    if (!retries) {
                        c.retryStrategy(RetryMode.STANDARD).retryStrategy(b -> b.maxAttempts(1));
                    }
                })
                .build();
    }

    static CloudWatchLogsClient logs(AwsBatchEmulator emulator) {
        return logs(emulator, emulator.secretAccessKey());
    }

    static CloudWatchLogsClient logs(AwsBatchEmulator emulator, String secret) {
        return CloudWatchLogsClient.builder()
                .endpointOverride(URI.create(emulator.endpoint()))
                .region(Region.of(emulator.region()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(emulator.accessKeyId(), secret)))
                .build();
    }

    static AwsBatchEmulatorOptions.Builder fastOptions() {
        return AwsBatchEmulatorOptions.builder().transitionDelay(Duration.ofMillis(5));
    }

    /** Registers a container job definition running {@code sh -c script}. */
    static RegisterJobDefinitionResponse shellDefinition(BatchClient batch, String name, String script) {
        return batch.registerJobDefinition(r -> r.jobDefinitionName(name).type("container")
                .containerProperties(shell(script)));
    }

    static ContainerProperties shell(String script) {
        return ContainerProperties.builder()
                .image("public.ecr.aws/docker/library/busybox:latest")
                .command(List.of("sh", "-c", script))
                .resourceRequirements(
                        ResourceRequirement.builder().type(ResourceType.VCPU).value("1").build(),
                        ResourceRequirement.builder().type(ResourceType.MEMORY).value("512").build())
                .build();
    }

    static JobDetail describe(BatchClient batch, String jobId) {
        return batch.describeJobs(r -> r.jobs(jobId)).jobs().get(0);
    }

    /** Waits until the job is SUCCEEDED or FAILED and returns it. */
    static JobDetail awaitDone(BatchClient batch, String jobId) {
        return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> describe(batch, jobId),
                        j -> j.status() == JobStatus.SUCCEEDED || j.status() == JobStatus.FAILED);
    }

    static Map<String, String> env(String... pairs) {
        java.util.Map<String, String> map = new java.util.LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return map;
    }
}
