package dev.conveyor.it;

import dev.conveyor.model.JobState;
import dev.conveyor.model.Json;
import dev.conveyor.model.events.JobStatusEvent;
import dev.conveyor.schemas.SchemaAssert;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The status topic unavailable: status events are progress, so the jobs run while their status events
 * are dropped — after one append that waited for the topic's metadata (here up to 20 s), not each — and
 * once the topic is back their results come (collection's transaction carries the final status event)
 * and the next job's status events are on it again. (Before, each status event held its stage for the
 * status producer's whole max.block.ms: a job of one task took minutes to reach collection, and
 * monitoring's cycle, with its time limits and cancels, stood still as long.)
 */
@QuarkusTest
@TestProfile(StatusTopicOutageTest.OwnStatusTopic.class)
class StatusTopicOutageTest extends PipelineTestBase {
    static final String STATUS = "conveyor.status.outage-test";

    public static class OwnStatusTopic implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("conveyor.topics.status", STATUS, "mp.messaging.outgoing.status.max.block.ms", "20000");
        }
    }

    @Test
    void jobsReachTheirResultsWhileTheStatusTopicIsGoneAndTheirStatusComesBackWithIt() throws Exception {
        try (Admin admin = OutageTopics.admin()) {
            OutageTopics.gone(admin, STATUS);
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                ids.add(OutageTopics.echo("nostatus", "hello"));
            }
            // the jobs run while their status events are dropped: their completions reach collection (whose
            // result transaction carries the final status event, so their results wait for the topic); a job
            // of one task appends ~6 status events before that: at 20 s each it took two minutes
            for (String id : ids) {
                await().atMost(Duration.ofSeconds(60)).until(() -> !probe().on("conveyor.completed", id).isEmpty());
            }
            assertThat(probe().on("conveyor.completed", ids.get(0)).get(0).json().path("state").asText()).isEqualTo("SUCCEEDED");

            OutageTopics.create(admin, STATUS);
            for (String id : ids) {
                assertThat(probe().awaitResult(id, Duration.ofSeconds(90)).status()).isEqualTo(JobState.SUCCEEDED);
            }
            await().atMost(Duration.ofSeconds(90)).until(() -> {
                // a job published now has its status events on the topic again (after at most one pause)
                String next = OutageTopics.echo("status-back", "again");
                assertThat(probe().awaitResult(next, Duration.ofSeconds(60)).status()).isEqualTo(JobState.SUCCEEDED);
                return statusOf(next).containsAll(List.of("ACCEPTED", "STAGED", "DISPATCHED", "SUCCEEDED"));
            });
        }
    }

    /** The states of the job's status events on this service's status topic, each checked against its schema. */
    private static List<String> statusOf(String id) {
        return OutageTopics.records(STATUS, id).stream().map(r -> {
            SchemaAssert.assertValid("job-status", r.value());
            return Json.read(r.value(), JobStatusEvent.class).state();
        }).toList();
    }
}
