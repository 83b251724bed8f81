package dev.conveyor.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ./conveyor run --emulate examples/aws-batch.yaml} as a user runs it: the packaged
 * application starts the AWS Batch emulator and S3Proxy itself and runs the ddeutil AWS example
 * (a six-cell matrix at most two at once, then a report) through the five stages.
 */
class AwsBatchRunIT {
    @TempDir
    Path dir;

    @Test
    void theAwsBatchExampleRunsOnTheEmulatorsAndSucceeds() throws Exception {
        ProcessRun run = ProcessRun.of(dir, Map.of(), Duration.ofMinutes(3), ProcessRun.conveyorJar("run", "--emulate",
                Path.of("examples", "aws-batch.yaml").toAbsolutePath().toString(), "--data-dir", dir.resolve("data").toString()));

        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(run.err()).contains("Emulating aws-batch: AWS Batch emulator at http://127.0.0.1:")
                .contains("job ACCEPTED - 7 tasks on aws-batch");
        assertThat(run.out()).contains("(aws-batch-etl): SUCCEEDED").contains("| 6 parts extracted")
                .contains("s3://conveyor/jobs/");
        assertThat(run.out() + run.err()).doesNotContain("AWS_SECRET_ACCESS_KEY=").doesNotContain("secret-access-key");
    }
}
