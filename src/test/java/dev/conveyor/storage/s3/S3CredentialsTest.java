package dev.conveyor.storage.s3;

import dev.conveyor.credentials.AwsAccount;
import dev.conveyor.credentials.AwsSdkCredentials;
import dev.conveyor.credentials.Secret;
import dev.conveyor.storage.SignedUrl;
import dev.conveyor.storage.StoreUnavailableException;
import dev.conveyor.storage.UrlTransfer;
import dev.conveyor.testing.S3ProxyFixture;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which credentials, region and endpoint the S3 store uses, and that no secret ever shows. */
class S3CredentialsTest {

    private static AwsAccount account(String id, String secret, String token) {
        return new AwsAccount("eu-west-3", id, Secret.of(secret), Secret.of(token), null, null, null, false);
    }

    @Test
    void staticKeysAreUsedAsGiven() {
        AwsCredentialsProvider p = AwsSdkCredentials.of(account("AKIDSTATIC", "static-secret", null));
        assertThat(p).isInstanceOf(StaticCredentialsProvider.class);
        AwsCredentials c = p.resolveCredentials();
        assertThat(c).isInstanceOf(AwsBasicCredentials.class);
        assertThat(c.accessKeyId()).isEqualTo("AKIDSTATIC");
        assertThat(c.secretAccessKey()).isEqualTo("static-secret");
    }

    @Test
    void aSessionTokenMakesSessionCredentials() {
        AwsCredentials c = AwsSdkCredentials.of(account("ASIATEMP", "temp-secret", "the-token")).resolveCredentials();
        assertThat(c).isInstanceOfSatisfying(AwsSessionCredentials.class, s -> {
            assertThat(s.accessKeyId()).isEqualTo("ASIATEMP");
            assertThat(s.sessionToken()).isEqualTo("the-token");
        });
    }

    /** Keys absent: the SDK's chain (env, web identity, container and instance roles) finds them when called. */
    @Test
    void withoutKeysTheDefaultProviderChainIsUsed() {
        assertThat(AwsSdkCredentials.of(account(null, null, null))).isInstanceOf(DefaultCredentialsProvider.class);
        assertThat(AwsSdkCredentials.of(account("AKIDONLY", null, null)))
                .as("an access key id without its secret is not a key pair").isInstanceOf(DefaultCredentialsProvider.class);
    }

    /**
     * No keys and (here) nothing for the default chain to find: a plain IOException naming the bucket,
     * not a transient failure to retry forever. (Where the chain does find credentials, S3Proxy
     * refuses them with 403: the same kind of error.)
     */
    @Test
    void withoutKeysAndWithoutCredentialsTheStoreReportsAConfigurationError() {
        S3ProxyFixture.emulator();
        AwsAccount noKeys = new AwsAccount("us-east-1", null, null, null, null, null, S3ProxyFixture.account().s3Endpoint(), true);
        try (S3ObjectStore store = new S3ObjectStore(noKeys, S3StoreOptions.of("contract").withMaxAttempts(1))) {
            assertThatThrownBy(store::check).isInstanceOfSatisfying(IOException.class, e -> {
                assertThat(e).isNotInstanceOf(StoreUnavailableException.class);
                assertThat(e.getMessage()).contains("'contract'");
            });
        }
    }

    @Test
    void regionEndpointAndPathStyleComeFromTheAccount() throws IOException {
        List<URI> sent = new CopyOnWriteArrayList<>();
        ExecutionInterceptor recorder = new ExecutionInterceptor() {
            @Override
            public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                sent.add(context.httpRequest().getUri());
            }
        };
        AwsAccount emulator = S3ProxyFixture.account();
        try (S3ObjectStore store = new S3ObjectStore(emulator, S3StoreOptions.of("addressing"),
                b -> b.overrideConfiguration(o -> o.addExecutionInterceptor(recorder)))) {
            store.createBucketIfMissing();
            store.check();
        }
        URI endpoint = URI.create(emulator.s3Endpoint());
        assertThat(sent).isNotEmpty().allSatisfy(u -> {
            assertThat(u.getHost()).isEqualTo(endpoint.getHost());
            assertThat(u.getPort()).isEqualTo(endpoint.getPort());
            assertThat(u.getPath()).startsWith("/addressing");
        });
        try (S3Client client = S3Clients.builder(account("AKID", "s", null), S3StoreOptions.of("b"),
                AwsSdkCredentials.of(account("AKID", "s", null))).build()) {
            assertThat(client.serviceClientConfiguration().region()).isEqualTo(Region.EU_WEST_3);
            assertThat(client.serviceClientConfiguration().endpointOverride()).isEmpty();
        }
    }

    @Test
    void aWrongSecretIsRefusedByTheServerAndNeverShown() {
        String wrong = "Wr0ngSecretKeyThatMustNeverBeShown/0123456";
        List<String> logged = captureLogs();
        try (S3ObjectStore store = new S3ObjectStore(S3ProxyFixture.accountWithSecret(wrong), S3StoreOptions.of("contract"))) {
            assertThatThrownBy(() -> store.put("jobs/secret-test/private-key-name.txt", "x".getBytes(StandardCharsets.UTF_8)))
                    .isInstanceOfSatisfying(IOException.class, e -> {
                        assertThat(e).isNotInstanceOf(StoreUnavailableException.class);
                        assertThat(e.getMessage()).contains("access to S3 bucket 'contract' denied")
                                .doesNotContain("private-key-name");
                        String trace = S3FailureTest.StackTraces.of(e);
                        assertThat(trace).doesNotContain(wrong).doesNotContain(S3ProxyFixture.emulator().secretAccessKey())
                                .doesNotContain("Signature=");
                    });
            org.jboss.logging.Logger.getLogger(S3CredentialsTest.class).info("log capture works");
        } finally {
            stopCapturing();
        }
        assertThat(logged).as("the capture sees JBoss Logging records").anyMatch(l -> l.contains("log capture works"));
        assertThat(logged).noneMatch(line -> line.contains(wrong) || line.contains(S3ProxyFixture.emulator().secretAccessKey()));
    }

    @Test
    void presignedUrlsLastAtMostSevenDaysAndNeverForever() throws IOException {
        try (S3ObjectStore store = new S3ObjectStore(S3ProxyFixture.account(), S3StoreOptions.of("contract"))) {
            store.createBucketIfMissing();
            store.put("jobs/long-lived/x.txt", "still here".getBytes(StandardCharsets.UTF_8));
            Instant asked = Instant.now().plus(Duration.ofDays(30));
            SignedUrl url = store.readUrl("jobs/long-lived/x.txt", asked);
            assertThat(url.expiresAt()).isBefore(Instant.now().plus(Duration.ofDays(7)).plusSeconds(1));
            assertThat(url.url().getRawQuery()).contains("X-Amz-Expires=604800");
            UrlTransfer.Response r = UrlTransfer.get(url);
            assertThat(r.ok()).as("a 7-day URL is accepted, status %s", r.status()).isTrue();
            assertThat(url.toString()).doesNotContain("X-Amz-Signature").doesNotContain("X-Amz-Credential");

            assertThatThrownBy(() -> store.writeUrl("jobs/long-lived/y.txt", null)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> store.readUrl("jobs/long-lived/x.txt", Instant.now().minusSeconds(5)))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aKeyPrefixIsPartOfEveryS3KeyAndUriButNotOfTheStoreKeys() throws IOException {
        try (S3ObjectStore store = new S3ObjectStore(S3ProxyFixture.account(), S3StoreOptions.of("contract").withKeyPrefix("/tenant-a"))) {
            store.createBucketIfMissing();
            store.put("jobs/pfx/a b.txt", "1".getBytes(StandardCharsets.UTF_8));
            assertThat(store.uri("jobs/pfx/a b.txt")).hasToString("s3://contract/tenant-a/jobs/pfx/a%20b.txt");
            assertThat(store.list("jobs/pfx/", null, 10).objects()).extracting(o -> o.key()).containsExactly("jobs/pfx/a b.txt");
            assertThat(S3ProxyFixture.emulator().dataDir().resolve("contract/tenant-a/jobs/pfx/a b.txt")).exists();
        }
    }

    // --- log capture: every record any logger writes at the configured levels -------------------

    private static final Logger ROOT = Logger.getLogger("");
    private static final List<String> RECORDS = new CopyOnWriteArrayList<>();
    private static final Handler HANDLER = new Handler() {
        @Override
        public void publish(LogRecord r) {
            String msg = r.getMessage() == null ? "" : r.getMessage();
            if (r.getParameters() != null) {
                for (Object p : r.getParameters()) {
                    msg += " " + p;
                }
            }
            RECORDS.add(msg + (r.getThrown() == null ? "" : " " + S3FailureTest.StackTraces.of(r.getThrown())));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private static List<String> captureLogs() {
        RECORDS.clear();
        ROOT.addHandler(HANDLER);
        return RECORDS;
    }

    private static void stopCapturing() {
        ROOT.removeHandler(HANDLER);
    }
}
