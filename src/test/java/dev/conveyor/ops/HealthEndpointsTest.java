package dev.conveyor.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.conveyor.testing.KafkaTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The health endpoints of the whole service (five stages) against a real broker, over HTTP. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
class HealthEndpointsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TestHTTPResource("/q/health")
    URI health;

    @Test
    void readinessIsUpWithTheBrokerTheObjectStoreAndEveryStageChannel() {
        JsonNode ready = await().atMost(Duration.ofSeconds(60)).until(() -> get("/ready"), r -> r.status == 200).body;

        assertThat(ready.path("status").asText()).isEqualTo("UP");
        JsonNode conveyor = check(ready, "conveyor");
        assertThat(conveyor.path("data").path("kafka-broker").asText()).startsWith("UP (1 broker, cluster ");
        assertThat(conveyor.path("data").path("object-store").asText()).isEqualTo("UP (file)");
        assertThat(conveyor.path("data").path("stage-outputs").asText()).isEqualTo("UP (every output taken)");
        assertThat(conveyor.path("data").path("compute-backends").asText()).isEqualTo("UP (local, noop)");
        JsonNode channels = check(ready, "SmallRye Reactive Messaging - readiness check").path("data");
        assertThat(fieldNames(channels)).contains("requests", "submitted-in", "staged-in", "dispatched-in",
                "completed-in", "control", "results", "status");
        channels.properties().forEach(channel -> assertThat(channel.getValue().asText())
                .as("channel %s", channel.getKey()).startsWith("[OK]"));
    }

    @Test
    void livenessIsUpAndNamesTheStagesThisProcessRuns() throws Exception {
        Response live = get("/live");

        assertThat(live.status).isEqualTo(200);
        assertThat(live.body.path("status").asText()).isEqualTo("UP");
        assertThat(List.of(check(live.body, "conveyor-stages").path("data").path("stages").asText().split(",")))
                .containsExactlyInAnyOrder("submission", "staging", "dispatch", "monitoring", "collection");
        assertThat(check(live.body, "SmallRye Reactive Messaging - liveness check").path("status").asText())
                .isEqualTo("UP");
    }

    @Test
    void startupEndpointAnswersForKubernetesStartupProbes() {
        Response started = await().atMost(Duration.ofSeconds(60)).until(() -> get("/started"), r -> r.status == 200);

        assertThat(started.body.path("status").asText()).isEqualTo("UP");
    }

    private Response get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(health + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        return new Response(response.statusCode(), JSON.readTree(response.body()));
    }

    private static JsonNode check(JsonNode report, String name) {
        for (JsonNode check : report.path("checks")) {
            if (name.equals(check.path("name").asText())) {
                return check;
            }
        }
        throw new AssertionError("no check named '" + name + "' in " + report);
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private record Response(int status, JsonNode body) {
    }
}
