package dev.conveyor.ui;

import dev.conveyor.testing.KafkaTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** The web view's endpoints over plain HTTP (no browser needed): what they refuse. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
class WebViewEndpointsTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TestHTTPResource("/ui")
    URI ui;

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(ui + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theListAndTheThroughputAnswer() throws Exception {
        HttpResponse<String> list = get("?state=active&label=team%3Ddata&q=x");
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body()).contains("<table class=\"jobs\"", "value=\"team=data\"");
        assertThat(get("/throughput").body()).contains("\"jobsPerSecond\"", "\"tasksInFlight\"");
        assertThat(get("/assets/ui.css").statusCode()).isEqualTo(200);
    }

    @Test
    void unknownJobsBadIdsAndPathsOutOfAJobAre404() throws Exception {
        assertThat(get("/jobs/no-such-job").statusCode()).isEqualTo(404);
        assertThat(get("/jobs/..%2Fetc").statusCode()).isEqualTo(404);
        assertThat(get("/jobs/j/tasks/t/attempts/1/outputs/..%2F..%2Fspec.json").statusCode()).isEqualTo(404);
        assertThat(get("/jobs/j/tasks/t/attempts/1/logs/spec").statusCode()).isEqualTo(404);
    }

    @Test
    void cancelNeedsThePagesOwnHeader() throws Exception {
        HttpResponse<String> forged = HTTP.send(HttpRequest.newBuilder(URI.create(ui + "/jobs/some-job/cancel"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(forged.statusCode()).isEqualTo(403);
        HttpResponse<String> unknown = HTTP.send(HttpRequest.newBuilder(URI.create(ui + "/jobs/some-job/cancel"))
                .header("X-Conveyor-UI", "cancel").POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(unknown.statusCode()).isEqualTo(404);
    }
}
