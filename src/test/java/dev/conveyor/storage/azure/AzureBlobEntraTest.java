package dev.conveyor.storage.azure;

import dev.conveyor.testing.TestDirs;
import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import dev.conveyor.credentials.AzureAccount;
import dev.conveyor.credentials.Secret;
import dev.conveyor.emulator.azurite.Azurite;
import dev.conveyor.emulator.azurite.AzuriteOptions;
import dev.conveyor.emulator.azurite.SharedAzurite;
import dev.conveyor.storage.JobKeys;
import dev.conveyor.storage.PrefixGrant;
import dev.conveyor.storage.SignedUrl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Entra ID path end to end against Azurite over HTTPS with OAuth: requests carry a bearer
 * token, and every URL and grant is a user-delegation SAS (signed with a key from Get User
 * Delegation Key), which Azurite verifies — signature, scope and expiry. The token is a JWT that
 * Azurite's OAuth mode accepts (it checks issuer, audience and lifetime, not the signature): no
 * tenant is reached, the identity libraries' own token acquisition is not exercised here.
 */
class AzureBlobEntraTest {
    private static final String PASSWORD = "azurite-test";
    private static Path dir;
    private static Azurite azurite;
    private static HttpClient trusting;
    private static AzureBlobObjectStore store;

    @BeforeAll
    static void startAzuriteWithTls() throws Exception {
        dir = TestDirs.create("azurite-tls");
        Path pfx = dir.resolve("azurite.pfx");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "azurite", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-storetype", "PKCS12",
                "-keystore", pfx.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD)
                .redirectErrorStream(true).redirectOutput(dir.resolve("keytool.log").toFile()).start();
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS) && keytool.exitValue() == 0).as("keytool made a certificate").isTrue();
        azurite = Azurite.start(AzuriteOptions.installedIn(SharedAzurite.INSTALL_DIR).withTls(new AzuriteOptions.Tls(pfx, PASSWORD)));

        KeyStore trust = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(pfx)) {
            trust.load(in, PASSWORD.toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        trusting = HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(10)).build();

        AzureAccount servicePrincipal = new AzureAccount(null, null, null, azurite.accountName(), null, azurite.blobEndpoint(),
                "tenant-1", "client-1", Secret.of("never-sent-anywhere"), false);
        var http = new JdkHttpClientBuilder(HttpClient.newBuilder().sslContext(ssl)).build();
        store = new AzureBlobObjectStore(AzureBlobSettings.defaults(servicePrincipal).withContainerPrefix("entra"), http,
                Clock.systemUTC(), new BlobCredentials(AzureAccount.Auth.SERVICE_PRINCIPAL, null, emulatorToken()));
    }

    @AfterAll
    static void stop() {
        if (azurite != null) {
            azurite.close();
        }
    }

    /** A token shaped like Entra ID's for Azure Storage (issuer, audience, lifetime, object and tenant ids). */
    private static TokenCredential emulatorToken() {
        long now = Instant.now().getEpochSecond();
        String header = b64("{\"alg\":\"RS256\",\"typ\":\"JWT\"}");
        String claims = b64("{\"aud\":\"https://storage.azure.com\",\"iss\":\"https://sts.windows.net/tenant-1/\",\"iat\":"
                + (now - 60) + ",\"nbf\":" + (now - 60) + ",\"exp\":" + (now + 3600)
                + ",\"oid\":\"11111111-2222-3333-4444-555555555555\",\"tid\":\"tenant-1\"}");
        String jwt = header + "." + claims + "." + b64("not-checked-by-azurite");
        return request -> Mono.just(new AccessToken(jwt, OffsetDateTime.now().plusHours(1)));
    }

    private static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return trusting.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void requestsAreAuthorisedWithTheEntraToken() throws Exception {
        store.put(JobKeys.spec("e1"), "{\"a\":1}".getBytes(StandardCharsets.UTF_8));
        assertThat(store.read(JobKeys.spec("e1"), 100)).contains("{\"a\":1}".getBytes(StandardCharsets.UTF_8));
        assertThat(store.putIfAbsent(JobKeys.accepted("e1"), new byte[] {1})).isTrue();
        assertThat(store.putIfAbsent(JobKeys.accepted("e1"), new byte[] {2})).isFalse();
        store.check();
    }

    @Test
    void readAndWriteUrlsAreUserDelegationSasThatAzureCheck() throws Exception {
        assertThat(store.signsWithUserDelegation()).isTrue();
        store.put(JobKeys.inputs("e2", "t") + "in.txt", "input".getBytes(StandardCharsets.UTF_8));

        SignedUrl read = store.readUrl(JobKeys.inputs("e2", "t") + "in.txt", Instant.now().plusSeconds(600));
        assertThat(read.url().getQuery()).contains("skoid=11111111-2222-3333-4444-555555555555").contains("sktid=tenant-1")
                .contains("spr=https&");
        assertThat(send(HttpRequest.newBuilder(read.url()).GET()).body()).isEqualTo("input");
        assertThat(send(HttpRequest.newBuilder(read.url()).PUT(HttpRequest.BodyPublishers.ofString("x"))
                .header("x-ms-blob-type", "BlockBlob")).statusCode()).isEqualTo(403);

        SignedUrl write = store.writeUrl(JobKeys.values("e2", "t"), Instant.now().plusSeconds(600));
        HttpRequest.Builder put = HttpRequest.newBuilder(write.url()).PUT(HttpRequest.BodyPublishers.ofString("k=v\n"));
        write.headers().forEach(put::header);
        assertThat(send(put).statusCode()).isEqualTo(201);
        assertThat(store.read(JobKeys.values("e2", "t"), 100)).contains("k=v\n".getBytes(StandardCharsets.UTF_8));

        URI forged = URI.create(write.url().toString().replace(JobKeys.values("e2", "t"), JobKeys.spec("e2")));
        HttpRequest.Builder intrude = HttpRequest.newBuilder(forged).PUT(HttpRequest.BodyPublishers.ofString("intruder"));
        write.headers().forEach(intrude::header);
        assertThat(send(intrude).statusCode()).isEqualTo(403);
    }

    @Test
    void aReadGrantListsAndReadsTheJobsPrefix() throws Exception {
        store.put(JobKeys.inputs("e3", "t") + "a.txt", "alpha".getBytes(StandardCharsets.UTF_8));
        PrefixGrant grant = store.prefixGrant(JobKeys.inputs("e3", "t"), PrefixGrant.Access.READ, Instant.now().plusSeconds(600))
                .orElseThrow();
        assertThat(grant.containerUrl().getQuery()).contains("skoid=").contains("sr=c");
        HttpResponse<String> list = send(HttpRequest.newBuilder(URI.create(grant.containerUrl() + "&restype=container&comp=list&prefix="
                + grant.path())).GET());
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body()).contains("<Name>" + JobKeys.inputs("e3", "t") + "a.txt</Name>");
    }

    @Test
    void userDelegationSasStopWorkingWhenTheyExpire() throws Exception {
        store.put(JobKeys.spec("e4"), "soon gone".getBytes(StandardCharsets.UTF_8));
        SignedUrl url = store.readUrl(JobKeys.spec("e4"), Instant.now().plusSeconds(2));
        assertThat(send(HttpRequest.newBuilder(url.url()).GET()).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500))
                .until(() -> send(HttpRequest.newBuilder(url.url()).GET()).statusCode() == 403);
    }
}
