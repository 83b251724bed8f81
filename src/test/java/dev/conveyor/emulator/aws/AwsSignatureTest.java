package dev.conveyor.emulator.aws;

import static dev.conveyor.emulator.aws.AwsEmulatorClients.fastOptions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.BatchException;

/** SigV4 checks, with requests signed by the SDK's own signer. */
class AwsSignatureTest {

    static AwsBatchEmulator emulator;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        emulator = AwsBatchEmulator.start(fastOptions().credentials("EMULATORTESTKEY00001", "s3cr3t/emulator+key").build());
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    @Test
    void aRequestSignedNowWithTheRightKeyIsAccepted() throws Exception {
        HttpResponse<String> response = send(sign("batch", emulator.region(), Clock.systemUTC()));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("conveyor-queue");
    }

    @Test
    void aSignatureOlderThanFiveMinutesIsExpired() throws Exception {
        Clock past = Clock.fixed(Instant.now().minus(Duration.ofMinutes(20)), ZoneOffset.UTC);
        HttpResponse<String> response = send(sign("batch", emulator.region(), past));
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.headers().firstValue("x-amzn-ErrorType")).hasValue("InvalidSignatureException");
        assertThat(response.body()).contains("Signature expired");
    }

    @Test
    void aSignatureScopedToAnotherServiceOrRegionIsRejected() throws Exception {
        assertThat(send(sign("logs", emulator.region(), Clock.systemUTC())).body()).contains("correct service");
        assertThat(send(sign("batch", "eu-west-1", Clock.systemUTC())).body()).contains("valid region");
    }

    @Test
    void anUnknownAccessKeyIsAnUnrecognizedClient() {
        try (BatchClient stranger = BatchClient.builder()
                .endpointOverride(URI.create(emulator.endpoint()))
                .region(Region.of(emulator.region()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create("EMULATORSOMEONEELSE0", emulator.secretAccessKey())))
                .build()) {
            assertThatThrownBy(() -> stranger.describeJobQueues(r -> { }))
                    .isInstanceOfSatisfying(BatchException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(403);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("UnrecognizedClientException");
                    });
        }
    }

    private static SignedRequest sign(String service, String region, Clock clock) {
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        SdkHttpRequest request = SdkHttpRequest.builder()
                .uri(URI.create(emulator.endpoint() + "/v1/describejobqueues"))
                .method(SdkHttpMethod.POST)
                .putHeader("Content-Type", "application/json")
                .build();
        return AwsV4HttpSigner.create().sign(r -> r
                .identity(AwsBasicCredentials.create(emulator.accessKeyId(), emulator.secretAccessKey()))
                .request(request)
                .payload(ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
                .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                .putProperty(HttpSigner.SIGNING_CLOCK, clock));
    }

    private static HttpResponse<String> send(SignedRequest signed) throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(signed.request().getUri())
                .POST(HttpRequest.BodyPublishers.ofString("{}"));
        signed.request().forEachHeader((name, values) -> {
            if (!name.equalsIgnoreCase("Host") && !name.equalsIgnoreCase("Content-Length")) {
                values.forEach(v -> builder.header(name, v));
            }
        });
        return HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }
}
