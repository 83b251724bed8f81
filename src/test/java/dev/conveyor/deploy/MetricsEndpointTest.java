package dev.conveyor.deploy;

import dev.conveyor.testing.KafkaTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** What the ServiceMonitor in k8s/ scrapes: Prometheus text on /q/metrics, once metrics are in the build. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
class MetricsEndpointTest {

    @TestHTTPResource("/q/metrics")
    URI metrics;

    @Test
    void theServiceMonitorsPathServesPrometheusText() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(metrics)
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());

        assumeTrue(response.statusCode() != 404, "not run: " + Endpoints.METRICS + " is not served yet (no Micrometer "
                + "Prometheus registry in the build), so the ServiceMonitor in k8s/ has nothing to scrape");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
        assertThat(response.body()).contains("# TYPE ");
    }
}
