package dev.conveyor.deploy;

import dev.conveyor.model.JobState;
import dev.conveyor.model.result.JobResult;
import dev.conveyor.testing.JobProbe;
import dev.conveyor.testing.KafkaTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the ServiceMonitor in k8s/ scrapes: Prometheus text on /q/metrics, with Conveyor's own
 * meters moved by a real chain job that went through every stage, and the Kafka clients' meters.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
class MetricsEndpointTest {
    private static JobProbe probe;

    @TestHTTPResource("/q/metrics")
    URI metrics;

    @AfterAll
    static void closeProbe() {
        if (probe != null) {
            probe.close();
        }
    }

    @Test
    void aChainJobMovesConveyorsMetersOnTheServiceMonitorsPath() throws Exception {
        probe = new JobProbe(ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class));
        String id = "metrics-" + UUID.randomUUID().toString().substring(0, 8);
        probe.publish(id, "id: " + id + "\n" + Files.readString(Path.of("examples", "chain.yaml")));
        JobResult result = probe.awaitResult(id, Duration.ofSeconds(60));
        assertThat(result.status()).isEqualTo(JobState.SUCCEEDED);

        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(metrics).header("Accept", "text/plain")
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
        String body = response.body();

        assertThat(value(body, "conveyor_jobs_completed_total", "state=\"succeeded\"", "backend=\"" + result.runsOn() + "\""))
                .isGreaterThanOrEqualTo(1);
        assertThat(value(body, "conveyor_request_to_result_seconds_count")).isGreaterThanOrEqualTo(1);
        for (String stage : new String[] {"submission", "staging", "dispatch", "monitoring", "collection"}) {
            assertThat(value(body, "conveyor_stage_records_total", "stage=\"" + stage + "\"", "outcome=\"in\"")).as(stage).isGreaterThanOrEqualTo(1);
            assertThat(value(body, "conveyor_stage_records_total", "stage=\"" + stage + "\"", "outcome=\"out\"")).as(stage).isGreaterThanOrEqualTo(1);
            assertThat(value(body, "conveyor_stage_seconds_count", "stage=\"" + stage + "\"")).as(stage).isGreaterThanOrEqualTo(1);
            assertThat(body).contains("conveyor_stage_seconds_bucket{");
        }
        // the local backend's calls (submit, describe, ...) all pass through its CallPolicy
        assertThat(value(body, "conveyor_backend_calls_total", "policy=\"" + result.runsOn() + "\"", "operation=\"submit\"",
                "outcome=\"ok\"")).isGreaterThanOrEqualTo(1);
        assertThat(body).contains("conveyor_jobs_watched ");
        assertThat(body).containsPattern("(?m)^conveyor_tasks_in_flight \\d");
        // the spec, run states, result went to the object store and were read back
        assertThat(value(body, "conveyor_store_calls_total", "operation=\"put\"", "outcome=\"ok\"")).isGreaterThanOrEqualTo(1);
        assertThat(value(body, "conveyor_store_calls_total", "operation=\"read\"", "outcome=\"ok\"")).isGreaterThanOrEqualTo(1);
        assertThat(value(body, "conveyor_store_bytes_total", "direction=\"written\"")).isGreaterThan(0);
        assertThat(value(body, "conveyor_store_bytes_total", "direction=\"read\"")).isGreaterThan(0);
        // Quarkus binds the Kafka clients' own metrics
        assertThat(body).containsPattern("(?m)^kafka_(consumer|producer)_");
    }

    /** The sum of the samples of {@code name} whose labels contain every one of {@code labels}. */
    private static double value(String body, String name, String... labels) {
        return body.lines()
                .filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
                .filter(l -> Arrays.stream(labels).allMatch(l::contains))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }
}
