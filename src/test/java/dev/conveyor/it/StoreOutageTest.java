package dev.conveyor.it;

import dev.conveyor.model.JobState;
import dev.conveyor.storage.ObjectStore;
import dev.conveyor.testing.FaultyStore;
import io.quarkus.arc.ClientProxy;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A request the object store stays away for beyond the stage's retry policy is held and handled again once the
 * store answers — it used to go to the DLQ, where it had no result. (The policy is shortened here to a second,
 * pauses of 200 ms; by default 5 minutes and 30 s.)
 */
@QuarkusTest
@TestProfile(StoreOutageTest.ShortPolicy.class)
class StoreOutageTest extends PipelineTestBase {
    public static class ShortPolicy implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("conveyor.stage-retry.max-duration", "1s", "conveyor.stage-retry.max-delay", "200ms");
        }
    }

    @Inject
    ObjectStore store;
    @TestHTTPResource("/q/metrics")
    URI metrics;

    private String scrape() throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(metrics).header("Accept", "text/plain").build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void aRequestTheStoreIsAwayForLongerThanThePolicyWaitsForItAndGetsItsOneResult() throws Exception {
        FaultyStore faulty = new FaultyStore(ClientProxy.unwrap(store));
        QuarkusMock.installMockForType(faulty, ObjectStore.class);
        String id = newId("store-away");
        faulty.failWrites(key -> key.startsWith("jobs/" + id + "/"), Integer.MAX_VALUE); // 503 until told otherwise

        probe().publish(id, "{\"id\":\"" + id + "\",\"runsOn\":{\"type\":\"noop\"},\"tasks\":[{\"id\":\"t\",\"command\":\"true\"}]}");
        // one policy run is a second (a few tries); well past it, the request is still being tried
        await().atMost(Duration.ofSeconds(60)).until(() -> faulty.refused() >= 12);
        assertThat(probe().on("conveyor.dlq", id)).as("not sent to the DLQ, where it would have no result").isEmpty();
        assertThat(probe().on("conveyor.results", id)).isEmpty();
        assertThat(scrape()).as("each hold counted").containsPattern(
                "conveyor_stage_records_total\\{[^}]*outcome=\"held\",[^}]*stage=\"submission\"[^}]*\\} [1-9]");

        faulty.failWrites(key -> false, 0); // the store is back
        assertThat(probe().awaitResult(id, Duration.ofSeconds(60)).status()).isEqualTo(JobState.SUCCEEDED);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> probe().on("conveyor.results", id).size() == 1 && probe().on("conveyor.dlq", id).isEmpty());
    }
}
