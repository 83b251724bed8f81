package dev.conveyor.ui;

import dev.conveyor.testing.KafkaTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code conveyor.ui.enabled=false}: nothing under /ui answers (pages, streams, static files); health still does. */
@QuarkusTest
@TestProfile(WebViewOffTest.Off.class)
@WithTestResource(KafkaTestResource.class)
class WebViewOffTest {
    public static class Off implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("conveyor.ui.enabled", "false");
        }
    }

    @TestHTTPResource("/")
    URI root;

    @Test
    void everythingUnderUiIs404() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (String path : new String[] {"ui", "ui/", "ui/rows", "ui/events", "ui/jobs/x", "ui/assets/ui.css"}) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(root.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(path).isEqualTo(404);
        }
        assertThat(http.send(HttpRequest.newBuilder(root.resolve("q/health/live")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    }
}
