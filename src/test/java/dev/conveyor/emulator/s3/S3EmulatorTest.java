package dev.conveyor.emulator.s3;

import dev.conveyor.storage.s3.S3ObjectStore;
import dev.conveyor.storage.s3.S3StoreOptions;
import dev.conveyor.testing.S3ProxyFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The in-process S3 server: SigV4 enforced, buckets made at start, objects kept in the data folder. */
class S3EmulatorTest {

    private static S3Client client(S3Emulator s3, String secret) {
        return S3Client.builder().endpointOverride(URI.create(s3.endpoint())).forcePathStyle(true)
                .region(Region.of(s3.region())).httpClient(Apache5HttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(s3.accessKeyId(), secret)))
                .build();
    }

    @Test
    void unsignedAndWronglySignedRequestsAreRefused() throws Exception {
        S3Emulator s3 = S3ProxyFixture.emulator();
        try (S3Client right = client(s3, s3.secretAccessKey())) {
            if (right.listBuckets().buckets().stream().noneMatch(b -> b.name().equals("auth-check"))) {
                right.createBucket(b -> b.bucket("auth-check"));
            }
            right.putObject(b -> b.bucket("auth-check").key("private.txt"), RequestBody.fromString("mine"));
        }
        HttpClient http = HttpClient.newHttpClient();
        for (String path : new String[] {"/auth-check?list-type=2", "/auth-check/private.txt"}) {
            HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(URI.create(s3.endpoint() + path)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(anonymous.statusCode()).as("anonymous GET %s", path).isEqualTo(403);
        }
        try (S3Client wrong = client(s3, "not-the-secret")) {
            assertThatThrownBy(() -> wrong.getObject(b -> b.bucket("auth-check").key("private.txt")))
                    .hasMessageContaining("Status Code: 403");
        }
    }

    @Test
    void withALatencyEveryCallTheStoreMakesIsAnsweredThatMuchLaterOnce(@TempDir Path data) throws IOException {
        Duration latency = Duration.ofMillis(500);
        S3EmulatorOptions options = S3EmulatorOptions.defaults().withDataDir(data).withBuckets("slow").withLatency(latency);
        try (S3Emulator s3 = S3Emulator.start(options);
             S3ObjectStore store = new S3ObjectStore(S3ProxyFixture.account(s3), S3StoreOptions.of("slow"))) {
            store.read("warm-up.json", 64); // the client's first call (connection, class loading) is not timed
            Map<String, Long> took = new LinkedHashMap<>();
            took.put("put-if-absent", millis(() -> assertThat(store.putIfAbsent("a.json", "{}".getBytes())).isTrue()));
            took.put("put-if-absent, taken", millis(() -> assertThat(store.putIfAbsent("a.json", "{}".getBytes())).isFalse()));
            took.put("put", millis(() -> store.put("b.json", "{}".getBytes())));
            took.put("read", millis(() -> assertThat(store.read("a.json", 64)).isPresent()));
            took.put("read, missing", millis(() -> assertThat(store.read("c.json", 64)).isEmpty()));
            took.put("list", millis(() -> assertThat(store.list("", null, 10).objects()).hasSize(2)));
            // three documents at once: one round trip's wait, not three
            took.put("readAll of 3", millis(() -> assertThat(store.readAll(List.of("a.json", "b.json", "c.json"), 64))
                    .extracting(java.util.Optional::isPresent).containsExactly(true, true, false)));
            // at least the latency each; a store call the emulator answers with several blob store calls
            // would take a multiple of it (what a benchmark with a latency must not count twice)
            assertThat(took).allSatisfy((call, ms) -> assertThat(ms).as(call).isBetween(latency.toMillis(), 2 * latency.toMillis() - 1));
        }
        assertThat(S3EmulatorOptions.defaults().latency()).isZero();
        assertThatThrownBy(() -> S3EmulatorOptions.defaults().withLatency(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private interface Call {
        void run() throws IOException;
    }

    private static long millis(Call call) throws IOException {
        long start = System.nanoTime();
        call.run();
        return (System.nanoTime() - start) / 1_000_000;
    }

    @Test
    void bucketsGivenAtStartExistAndObjectsOutliveARestartInTheSameFolder(@TempDir Path data) throws IOException {
        S3EmulatorOptions options = S3EmulatorOptions.defaults().withDataDir(data).withBuckets("conveyor")
                .withCredentials("AKIDEMULATOR", "emulator-secret");
        try (S3Emulator s3 = S3Emulator.start(options); S3Client c = client(s3, s3.secretAccessKey())) {
            assertThat(s3.endpoint()).startsWith("http://127.0.0.1:");
            c.putObject(b -> b.bucket("conveyor").key("jobs/j/spec.json"), RequestBody.fromString("{}"));
        }
        assertThat(data.resolve("conveyor/jobs/j/spec.json")).exists();
        try (S3Emulator again = S3Emulator.start(options); S3Client c = client(again, again.secretAccessKey())) {
            assertThat(c.getObjectAsBytes(b -> b.bucket("conveyor").key("jobs/j/spec.json")).asUtf8String()).isEqualTo("{}");
        }
        assertThat(Files.isDirectory(data)).as("a folder the caller gave is kept").isTrue();
    }

    @Test
    void badBucketNamesAndHalfCredentialsAreRefusedAtStart() {
        assertThatThrownBy(() -> S3EmulatorOptions.defaults().withBuckets("Not_A_Bucket"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Not_A_Bucket");
        assertThatThrownBy(() -> S3EmulatorOptions.defaults().withCredentials("AKID", null))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
