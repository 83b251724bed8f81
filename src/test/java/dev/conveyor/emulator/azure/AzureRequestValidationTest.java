package dev.conveyor.emulator.azure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.azure.batch.BatchClient;
import com.microsoft.azure.batch.DetailLevel;
import com.microsoft.azure.batch.auth.BatchSharedKeyCredentials;
import com.microsoft.azure.batch.protocol.models.BatchErrorException;
import com.microsoft.azure.batch.protocol.models.CloudTask;
import com.microsoft.azure.batch.protocol.models.TaskAddParameter;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

import static dev.conveyor.emulator.azure.AzureBatchTestSupport.client;
import static dev.conveyor.emulator.azure.AzureBatchTestSupport.poolAndJob;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AzureRequestValidationTest {
    @TempDir
    Path workDir;
    AzureBatchEmulator emulator;
    BatchClient batch;

    @BeforeEach
    void start() throws Exception {
        emulator = AzureBatchEmulator.start(AzureBatchEmulatorOptions.defaults().withWorkDir(workDir));
        batch = client(emulator);
        poolAndJob(batch, "pool", "job", 0, 1);
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    @Test
    void requestBodyOverOneMegabyteIsTooLarge() {
        String big = "echo " + "x".repeat(11_000);
        List<TaskAddParameter> tasks = IntStream.range(0, 100)
                .mapToObj(i -> new TaskAddParameter().withId("big" + i).withCommandLine(big)).toList();

        assertThatThrownBy(() -> batch.protocolLayer().tasks().addCollection("job", tasks))
                .isInstanceOfSatisfying(BatchErrorException.class, e -> {
                    assertThat(e.response().code()).isEqualTo(413);
                    assertThat(e.body().code()).isEqualTo("RequestBodyTooLarge");
                    assertThat(e.body().values()).anySatisfy(v -> assertThat(v.key()).isEqualTo("MaxLimit"));
                });
    }

    @Test
    void filtersWithReservedCharactersStillVerify() throws Exception {
        batch.taskOperations().createTask("job", new TaskAddParameter().withId("a-b_c").withCommandLine("true"));

        List<CloudTask> found = batch.taskOperations().listTasks("job", new DetailLevel.Builder()
                .withFilterClause("id eq 'a-b_c' or id eq 'x+y z'").build());

        assertThat(found).extracting(CloudTask::id).containsExactly("a-b_c");
    }

    @Test
    void olderApiVersionsAreAcceptedAndUnknownOnesRejected() throws Exception {
        OkHttpClient signed = sdkSigningClient();

        try (Response ok = signed.newCall(get("/pools?api-version=2022-10-01.16.0")).execute()) {
            assertThat(ok.code()).isEqualTo(200);
            assertThat(json(ok).path("value")).hasSize(1);
        }
        try (Response bad = signed.newCall(get("/pools?api-version=1999-01-01.0.0")).execute()) {
            assertThat(bad.code()).isEqualTo(400);
            assertThat(json(bad).path("code").asText()).isEqualTo("InvalidQueryParameterValue");
        }
        try (Response missing = signed.newCall(get("/pools")).execute()) {
            assertThat(missing.code()).isEqualTo(400);
            assertThat(json(missing).path("code").asText()).isEqualTo("MissingRequiredQueryParameter");
        }
    }

    /** An OkHttp client that signs exactly like the SDK, for requests the SDK cannot make (other api-versions). */
    private OkHttpClient sdkSigningClient() {
        OkHttpClient.Builder builder = new OkHttpClient.Builder();
        new BatchSharedKeyCredentials(emulator.endpoint(), emulator.accountName(), emulator.accountKey())
                .applyCredentialsFilter(builder);
        return builder.build();
    }

    private Request get(String pathAndQuery) {
        return new Request.Builder().url(emulator.endpoint() + pathAndQuery).get().build();
    }

    private static JsonNode json(Response r) throws Exception {
        return new ObjectMapper().readTree(r.body().string());
    }
}
