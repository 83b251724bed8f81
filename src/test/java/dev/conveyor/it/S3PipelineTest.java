package dev.conveyor.it;

import dev.conveyor.model.JobState;
import dev.conveyor.model.TaskState;
import dev.conveyor.model.result.JobResult;
import dev.conveyor.model.result.TaskResult;
import dev.conveyor.testing.JobProbe;
import dev.conveyor.testing.KafkaTestResource;
import dev.conveyor.testing.S3ProxyFixture;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole service on the S3 store: the five stages and the local provider keep every spec, input,
 * output, log and ledger in a bucket of a real S3 server (S3Proxy, SigV4) instead of a folder.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(S3PipelineTest.S3Store.class)
class S3PipelineTest {
    static final String BUCKET = "pipeline";

    /** {@code conveyor.storage.type=s3} on the shared S3Proxy, through a profile. */
    public static class S3Store implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            return S3ProxyFixture.emulator().storageProperties(BUCKET, "s3test");
        }

        @Override
        public void stop() {
            // the shared S3Proxy stops with the JVM
        }
    }

    private static JobProbe probe;

    private static synchronized JobProbe probe() {
        if (probe == null) {
            probe = new JobProbe(ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class));
        }
        return probe;
    }

    @AfterAll
    static void closeProbe() {
        if (probe != null) {
            probe.close();
            probe = null;
        }
    }

    /** Where S3Proxy keeps the object an {@code s3://pipeline/...} URI names. */
    private static Path stored(String s3Uri) {
        URI uri = URI.create(s3Uri);
        assertThat(uri.getScheme()).isEqualTo("s3");
        assertThat(uri.getHost()).isEqualTo(BUCKET);
        return S3ProxyFixture.emulator().dataDir().resolve(BUCKET).resolve(uri.getPath().substring(1));
    }

    @Test
    void aChainedJobPassesItsFilesThroughTheBucketAndEndsWithOneResult() throws IOException {
        String id = "s3chain-" + UUID.randomUUID().toString().substring(0, 8);
        probe().publish(id, "id: " + id + "\n" + Files.readString(Path.of("examples", "chain.yaml")));
        JobResult result = probe().awaitResult(id, Duration.ofSeconds(90));

        assertThat(result.status()).as(result.reason()).isEqualTo(JobState.SUCCEEDED);
        assertThat(result.tasks()).allSatisfy(t -> assertThat(t.status()).isEqualTo(TaskState.SUCCEEDED));
        TaskResult produce = result.tasks().get(0);
        TaskResult transform = result.tasks().get(1);
        String words = Files.readString(stored(produce.outputs().get(0).uri()));
        assertThat(words).contains("conveyor 1");
        assertThat(Files.readString(stored(transform.outputs().get(0).uri()))).isEqualTo(words.toUpperCase());
        assertThat(stored(produce.logs().stdout())).exists();
        assertThat(stored("s3://" + BUCKET + "/jobs/" + id + "/spec.json")).exists();
        assertThat(stored("s3://" + BUCKET + "/jobs/" + id + "/result.json")).exists();

        String secret = S3ProxyFixture.emulator().secretAccessKey();
        assertThat(probe().on("conveyor.status", id)).isNotEmpty()
                .noneMatch(r -> r.value().contains(secret));
        assertThat(probe().on("conveyor.results", id)).noneMatch(r -> r.value().contains(secret));
    }
}
