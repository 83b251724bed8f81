package dev.conveyor.emulator.aws;

import static dev.conveyor.emulator.aws.AwsEmulatorClients.batch;
import static dev.conveyor.emulator.aws.AwsEmulatorClients.fastOptions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.BatchException;
import software.amazon.awssdk.services.batch.model.ServerException;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.ThrottlingException;

class AwsFaultInjectionTest {

    @Test
    void anInjectedThrottleSurfacesAsTheSdksThrottlingException() {
        try (AwsBatchEmulator emulator = AwsBatchEmulator.start(fastOptions()
                .faults(FaultOptions.none().withThrottleRate(1.0)).build());
             BatchClient batch = batch(emulator, emulator.secretAccessKey(), false)) {

            assertThatThrownBy(() -> batch.describeJobQueues(r -> { }))
                    .isInstanceOfSatisfying(BatchException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(429);
                        assertThat(e.isThrottlingException()).isTrue();
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("TooManyRequestsException");
                    });
        }
    }

    @Test
    void anInjectedLogsThrottleIsTheModelledThrottlingException() {
        try (AwsBatchEmulator emulator = AwsBatchEmulator.start(fastOptions()
                .faults(FaultOptions.none().withThrottleRate(1.0)).build());
             CloudWatchLogsClient logs = CloudWatchLogsClient.builder()
                     .endpointOverride(java.net.URI.create(emulator.endpoint()))
                     .region(software.amazon.awssdk.regions.Region.of(emulator.region()))
                     .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                             software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(
                                     emulator.accessKeyId(), emulator.secretAccessKey())))
                     .overrideConfiguration(c -> c.retryStrategy(b -> b.maxAttempts(1)))
                     .build()) {

            assertThatThrownBy(() -> logs.getLogEvents(r -> r.logGroupName("/aws/batch/job").logStreamName("s")))
                    .isInstanceOfSatisfying(ThrottlingException.class, e -> assertThat(e.isThrottlingException()).isTrue());
        }
    }

    @Test
    void theSdkRetriesInjectedThrottlesAndEventuallySucceeds() {
        try (AwsBatchEmulator emulator = AwsBatchEmulator.start(fastOptions()
                .faults(FaultOptions.none().withThrottleRate(0.5).withSeed(7)).build());
             BatchClient batch = batch(emulator)) {
            for (int i = 0; i < 5; i++) {
                assertThat(batch.describeJobQueues(r -> { }).jobQueues()).hasSize(1);
            }
            assertThat(emulator.requestCounts().get("DescribeJobQueues")).isGreaterThan(5);
        }
    }

    @Test
    void faultsAreTheSameForTheSameSeed() {
        assertThat(outcomes(42)).isEqualTo(outcomes(42)).contains("ok", "ServerException");
    }

    private static List<String> outcomes(long seed) {
        List<String> outcomes = new ArrayList<>();
        try (AwsBatchEmulator emulator = AwsBatchEmulator.start(fastOptions()
                .faults(FaultOptions.none().withServerErrorRate(0.5).withSeed(seed)).build());
             BatchClient batch = batch(emulator, emulator.secretAccessKey(), false)) {
            for (int i = 0; i < 12; i++) {
                try {
                    batch.describeComputeEnvironments(r -> { });
                    outcomes.add("ok");
                } catch (ServerException e) {
                    outcomes.add("ServerException");
                }
            }
        }
        return outcomes;
    }
}
