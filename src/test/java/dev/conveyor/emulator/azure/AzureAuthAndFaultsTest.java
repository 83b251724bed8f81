package dev.conveyor.emulator.azure;

import com.microsoft.azure.AzureResponseBuilder;
import com.microsoft.azure.batch.BatchClient;
import com.microsoft.azure.batch.auth.BatchCredentials;
import com.microsoft.azure.batch.auth.BatchSharedKeyCredentials;
import com.microsoft.azure.batch.protocol.models.BatchErrorException;
import com.microsoft.azure.serializer.AzureJacksonAdapter;
import com.microsoft.rest.RestClient;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static dev.conveyor.emulator.azure.AzureBatchTestSupport.client;
import static dev.conveyor.emulator.azure.AzureBatchTestSupport.linuxPool;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AzureAuthAndFaultsTest {
    @TempDir
    Path workDir;
    final List<AzureBatchEmulator> emulators = new ArrayList<>();

    @AfterEach
    void stop() {
        emulators.forEach(AzureBatchEmulator::close);
    }

    private AzureBatchEmulator start(AzureBatchEmulatorOptions options) {
        AzureBatchEmulator e = AzureBatchEmulator.start(options.withWorkDir(workDir));
        emulators.add(e);
        return e;
    }

    @Test
    void correctlySignedRequestsAreAccepted() throws Exception {
        AzureBatchEmulator emulator = start(AzureBatchEmulatorOptions.defaults());
        BatchClient batch = client(emulator);

        batch.poolOperations().createPool(linuxPool("signed", 0, 1));

        assertThat(batch.poolOperations().listPools()).hasSize(1);
        assertThat(emulator.requestCounts()).containsEntry("Pool_Add", 1L).containsEntry("Pool_List", 1L);
    }

    @Test
    void wrongKeyIsRejectedWithAuthenticationFailed() {
        AzureBatchEmulator emulator = start(AzureBatchEmulatorOptions.defaults());
        String otherKey = Base64.getEncoder().encodeToString("not the account key at all".getBytes());
        BatchClient batch = BatchClient.open(new BatchSharedKeyCredentials(emulator.endpoint(), emulator.accountName(), otherKey));

        assertThatThrownBy(() -> batch.poolOperations().getPool("any"))
                .isInstanceOfSatisfying(BatchErrorException.class, e -> {
                    assertThat(e.response().code()).isEqualTo(403);
                    assertThat(e.body().code()).isEqualTo("AuthenticationFailed");
                    assertThat(e.body().message().lang()).isEqualTo("en-US");
                    assertThat(e.body().values()).anySatisfy(v -> assertThat(v.key()).isEqualTo("AuthenticationErrorDetail"));
                });
    }

    @Test
    void requestTamperedWithAfterSigningIsRejected() {
        AzureBatchEmulator emulator = start(AzureBatchEmulatorOptions.defaults());
        BatchSharedKeyCredentials credentials = new BatchSharedKeyCredentials(emulator.endpoint(),
                emulator.accountName(), emulator.accountKey());
        RestClient rest = new RestClient.Builder().withBaseUrl(emulator.endpoint()).withCredentials(credentials)
                .withSerializerAdapter(new AzureJacksonAdapter())
                .withResponseBuilderFactory(new AzureResponseBuilder.Factory())
                .withNetworkInterceptor(chain -> chain.proceed(chain.request().newBuilder()
                        .url(chain.request().url().newBuilder().addQueryParameter("timeout", "30").build()).build()))
                .build();
        BatchClient batch = BatchClient.open(rest, emulator.endpoint());

        assertThatThrownBy(() -> batch.poolOperations().listPools())
                .isInstanceOfSatisfying(BatchErrorException.class, e -> assertThat(e.body().code()).isEqualTo("AuthenticationFailed"));
    }

    @Test
    void configuredBearerTokenIsAccepted() throws Exception {
        AzureBatchEmulator emulator = start(AzureBatchEmulatorOptions.defaults().withBearerToken("t0ken"));

        assertThat(BatchClient.open(bearer(emulator.endpoint(), "t0ken")).poolOperations().listPools()).isEmpty();
        assertThatThrownBy(() -> BatchClient.open(bearer(emulator.endpoint(), "wrong")).poolOperations().listPools())
                .isInstanceOfSatisfying(BatchErrorException.class, e -> assertThat(e.body().code()).isEqualTo("AuthenticationFailed"));
    }

    @Test
    void injectedThrottlingReachesTheSdkAs429WithRetryAfter() {
        AzureBatchEmulator emulator = start(AzureBatchEmulatorOptions.defaults()
                .withFaults(FaultOptions.none().withThrottleRate(1.0)));

        assertThatThrownBy(() -> client(emulator).poolOperations().listPools())
                .isInstanceOfSatisfying(BatchErrorException.class, e -> {
                    assertThat(e.response().code()).isEqualTo(429);
                    assertThat(e.response().headers().get("Retry-After")).isEqualTo("1");
                    assertThat(e.body().code()).isEqualTo("TooManyRequests");
                });
        assertThat(emulator.requestCounts()).containsEntry("Pool_List", 1L);
    }

    @Test
    void seededFaultsAreReproducible() {
        FaultOptions faults = FaultOptions.none().withThrottleRate(0.5).withSeed(42);
        List<Boolean> first = outcomes(start(AzureBatchEmulatorOptions.defaults().withFaults(faults)));
        List<Boolean> second = outcomes(start(AzureBatchEmulatorOptions.defaults().withFaults(faults)));

        assertThat(first).isEqualTo(second).contains(true, false);
    }

    @Test
    void statsAreServedOverHttpWithoutAuth() throws Exception {
        AzureBatchEmulator emulator = start(AzureBatchEmulatorOptions.defaults());
        client(emulator).poolOperations().existsPool("x");

        HttpResponse<String> resp = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(emulator.endpoint() + "/emulator/stats")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(resp.statusCode()).isEqualTo(200);
        assertThat(resp.body()).contains("\"Pool_Exists\":1");
    }

    private static List<Boolean> outcomes(AzureBatchEmulator emulator) {
        BatchClient batch = client(emulator);
        List<Boolean> ok = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            try {
                batch.poolOperations().existsPool("p");
                ok.add(true);
            } catch (BatchErrorException e) {
                ok.add(false);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
        return ok;
    }

    private static BatchCredentials bearer(String endpoint, String token) {
        return new BatchCredentials() {
            @Override
            public String baseUrl() {
                return endpoint;
            }

            @Override
            public void applyCredentialsFilter(OkHttpClient.Builder builder) {
                builder.addInterceptor(chain -> chain.proceed(chain.request().newBuilder()
                        .header("Authorization", "Bearer " + token).build()));
            }
        };
    }
}
