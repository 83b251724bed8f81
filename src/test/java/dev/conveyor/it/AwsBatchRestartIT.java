package dev.conveyor.it;

import dev.conveyor.testing.TestDirs;
import dev.conveyor.emulator.aws.AwsBatchEmulator;
import dev.conveyor.emulator.aws.AwsBatchEmulatorOptions;
import dev.conveyor.emulator.s3.S3Emulator;
import dev.conveyor.kafka.EmbeddedKafka;
import dev.conveyor.model.JobState;
import dev.conveyor.model.TaskState;
import dev.conveyor.model.result.JobResult;
import dev.conveyor.model.result.TaskResult;
import dev.conveyor.testing.JobProbe;
import dev.conveyor.testing.ServiceProcess;
import dev.conveyor.testing.S3ProxyFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * kill -9 of the packaged service while its job runs on AWS Batch (the emulator, in this JVM, keeps
 * the AWS job running meanwhile): the restarted service adopts the running AWS job from its saved
 * handle — no second SubmitJob — and the job ends with exactly one result; the secret key appears in
 * no record and no line of either service log.
 */
class AwsBatchRestartIT {
    private Path root;
    private EmbeddedKafka kafka;
    private AwsBatchEmulator aws;
    private JobProbe probe;
    private Process service;

    @BeforeEach
    void start() throws IOException {
        root = TestDirs.create("conveyor-aws-restart-it-");
        kafka = EmbeddedKafka.start(root.resolve("kafka"), 0);
        S3Emulator s3 = S3ProxyFixture.emulator();
        aws = AwsBatchEmulator.start(AwsBatchEmulatorOptions.builder().credentials(s3.accessKeyId(), s3.secretAccessKey())
                .region(s3.region()).build());
    }

    @AfterEach
    void stopAll() {
        if (service != null) {
            service.destroyForcibly();
        }
        if (probe != null) {
            probe.close();
        }
        aws.close();
        kafka.close();
    }

    private Process startService(String name) throws IOException {
        S3Emulator s3 = S3ProxyFixture.emulator();
        Map<String, String> config = new TreeMap<>(s3.storageProperties("aws-restart", "default"));
        config.put("conveyor.profiles.default.aws.batch-endpoint", aws.endpoint());
        config.put("conveyor.profiles.default.defaults.job_queue_arn", AwsBatchEmulatorOptions.DEFAULT_QUEUE);
        return ServiceProcess.start(root, name, "aws-restart-it", kafka.bootstrapServers(), config);
    }

    @Test
    void serviceKilledWhileItsAwsJobRunsAdoptsItAfterRestartAndPublishesExactlyOneResult() throws IOException {
        service = startService("first");
        probe = new JobProbe(kafka.bootstrapServers());
        String id = "awsrestart-" + ProcessHandle.current().pid();
        probe.publish(id, """
                id: %s
                runsOn: {type: aws-batch}
                tasks:
                  - id: long
                    command: sleep 6; echo survived > proof.txt; echo done
                    outputs: [proof.txt]
                  - id: next
                    needs: [long]
                    command: cat proof.txt
                """.formatted(id));

        await().atMost(Duration.ofSeconds(90)).until(() -> probe.statusStates(id).contains("long:RUNNING"));
        long submitted = aws.requestCounts().getOrDefault("SubmitJob", 0L);
        service.destroyForcibly();
        await().atMost(Duration.ofSeconds(30)).until(() -> !service.isAlive());
        assertThat(probe.on("conveyor.results", id)).isEmpty();

        service = startService("second");
        JobResult result = probe.awaitResult(id, Duration.ofSeconds(120));

        assertThat(result.status()).as(result.reason()).isEqualTo(JobState.SUCCEEDED);
        assertThat(result.tasks()).extracting(TaskResult::status).containsOnly(TaskState.SUCCEEDED);
        assertThat(result.tasks().get(0).attemptCount()).isEqualTo(1);
        assertThat(result.tasks().get(1).stdoutTail()).isEqualTo("survived\n");
        assertThat(aws.requestCounts().get("SubmitJob")).as("the running AWS job adopted, only 'next' submitted after")
                .isEqualTo(submitted + 1);
        await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(10))
                .until(() -> probe.on("conveyor.results", id).size() == 1);

        String secret = S3ProxyFixture.emulator().secretAccessKey();
        for (String topic : new String[] {"conveyor.status", "conveyor.results"}) {
            assertThat(probe.on(topic, id)).noneMatch(r -> r.value().contains(secret));
        }
        for (String log : new String[] {"first.log", "second.log"}) {
            assertThat(Files.readString(root.resolve(log))).doesNotContain(secret);
        }
    }
}
