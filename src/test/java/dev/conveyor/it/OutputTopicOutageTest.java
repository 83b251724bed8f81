package dev.conveyor.it;

import dev.conveyor.model.JobState;
import dev.conveyor.model.result.JobResult;
import dev.conveyor.ops.ConveyorReadinessCheck;
import dev.conveyor.ops.ProbeResult;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.apache.kafka.clients.admin.Admin;
import org.eclipse.microprofile.health.Readiness;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A stage whose output topic is unavailable for a while (here: gone, so its producer finds no
 * metadata for it within {@code max.block.ms}, a retriable failure like a partition without a
 * leader) keeps its input and sends the output again until the broker takes it. The job then ends
 * with its one result; nothing of it goes to the DLQ. (Before, the first failed send nacked the
 * input to the DLQ and the job never had a result.)
 */
@QuarkusTest
@TestProfile(OutputTopicOutageTest.LateStagedTopic.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OutputTopicOutageTest extends PipelineTestBase {
    static final String STAGED = "conveyor.staged.outage-test";
    static final String COMPLETED = "conveyor.completed.outage-test";

    public static class LateStagedTopic implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("conveyor.topics.staged", STAGED, "conveyor.topics.completed", COMPLETED,
                    // staging's tries fail within seconds: a producer that never had the topic's metadata waits
                    // at most 1 s for it (default 60 s); one that had it (the case below ran first) gives a
                    // record up after 3 s (default 2 min)
                    "mp.messaging.outgoing.staged-out.max.block.ms", "1000",
                    "mp.messaging.outgoing.staged-out.delivery.timeout.ms", "3000",
                    "mp.messaging.outgoing.staged-out.request.timeout.ms", "1000",
                    // monitoring's completion waits for it longer than the test lasts: the send must not
                    // hold up monitoring's cycle meanwhile
                    "mp.messaging.outgoing.completed-out.max.block.ms", "600000",
                    // readiness says so after 2 s of refusals (default 1 min), answered afresh each time
                    "conveyor.health.output-refused-after", "2s", "conveyor.health.cache-ttl", "0s");
        }
    }

    @Inject
    MeterRegistry registry;
    @Inject
    @Readiness
    ConveyorReadinessCheck readiness;

    @Test
    @Order(2)
    void aJobWhoseNextTopicIsGoneForAWhileWaitsForItAndEndsWithItsResult() throws Exception {
        try (Admin admin = OutageTopics.admin()) {
            OutageTopics.gone(admin, STAGED);

            String id = OutageTopics.echo("outage", "hello");
            await().atMost(Duration.ofSeconds(60)).until(() -> resent() >= 2);
            assertThat(probe().on("conveyor.dlq", id)).as("nothing of the job in the DLQ").isEmpty();
            assertThat(probe().on("conveyor.results", id)).as("no result while its topic is gone").isEmpty();
            assertThat(probe().statusStates(id)).contains("STAGED").doesNotContain("DISPATCHED");
            // the broker answers, yet the stage cannot move the job on: readiness says which topic refuses
            await().atMost(Duration.ofSeconds(30)).until(() -> !stageOutputs().up());
            assertThat(stageOutputs().detail()).startsWith(STAGED + ": 1 job(s) waiting, refused for ");

            OutageTopics.create(admin, STAGED);
            JobResult result = probe().awaitResult(id, Duration.ofSeconds(90));
            assertThat(result.status()).isEqualTo(JobState.SUCCEEDED);
            assertThat(result.tasks().get(0).stdoutTail()).isEqualTo("hello\n");
            assertThat(probe().on("conveyor.dlq", id)).as("nothing of the job in the DLQ").isEmpty();
            assertThat(Set.copyOf(probe().statusStates(id))).contains("ACCEPTED", "STAGED", "DISPATCHED", "SUCCEEDED");
            assertThat(stageOutputs()).isEqualTo(ProbeResult.up("every output taken"));
            // the stage goes on: its consumer was not closed for holding a record so long
            String next = OutageTopics.echo("after", "again");
            assertThat(probe().awaitResult(next, Duration.ofSeconds(30)).status()).isEqualTo(JobState.SUCCEEDED);
        }
    }

    /**
     * Monitoring's completions: one that the broker refuses is tried again at the job's next turn, and
     * meanwhile monitoring goes on with the other jobs it watches (a completion sent again until taken,
     * inside monitoring's cycle, would have held the cycle — and every job of the backend — until then;
     * so did a send waiting in the producer for the topic's metadata, here for longer than the test).
     */
    @Test
    @Order(1) // first: monitoring's producer has never had the topic's metadata, so its send waits for it
    void aCompletionTheBrokerRefusesHoldsUpNeitherItsResultNorOtherJobs() throws Exception {
        try (Admin admin = OutageTopics.admin()) {
            OutageTopics.gone(admin, COMPLETED);

            String first = OutageTopics.echo("refused", "first");
            await().atMost(Duration.ofSeconds(60)).until(() -> probe().statusStates(first).contains("ENDED"));
            String second = OutageTopics.echo("meanwhile", "second");
            // the second job is watched to its end while the first one's completion is still refused
            await().atMost(Duration.ofSeconds(60)).until(() -> probe().statusStates(second).contains("hello:SUCCEEDED"));
            assertThat(probe().on("conveyor.results", first)).as("no result while its topic is gone").isEmpty();

            OutageTopics.create(admin, COMPLETED);
            assertThat(probe().awaitResult(first, Duration.ofSeconds(90)).tasks().get(0).stdoutTail()).isEqualTo("first\n");
            assertThat(probe().awaitResult(second, Duration.ofSeconds(90)).tasks().get(0).stdoutTail()).isEqualTo("second\n");
            assertThat(probe().on("conveyor.dlq", first)).isEmpty();
            assertThat(probe().on("conveyor.dlq", second)).isEmpty();
            assertThat(stageOutputs()).isEqualTo(ProbeResult.up("every output taken"));
        }
    }

    private ProbeResult stageOutputs() {
        return OutageTopics.stageOutputs(readiness);
    }

    private double resent() {
        return OutageTopics.resent(registry, "staging");
    }
}
