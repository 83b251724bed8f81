package dev.conveyor.it;

import dev.conveyor.model.JobState;
import dev.conveyor.model.Json;
import dev.conveyor.model.result.JobResult;
import dev.conveyor.ops.ConveyorReadinessCheck;
import dev.conveyor.ops.ProbeResult;
import dev.conveyor.schemas.SchemaAssert;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.health.Readiness;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Collection's output, the results topic, unavailable for a while: the result transaction aborts, the
 * completion comes again (the consumer rewinds), and once the topic is back the job has exactly one
 * result — nothing of it in the DLQ, no final status before the result, and readiness says which
 * topic refuses meanwhile.
 */
@QuarkusTest
@TestProfile(ResultsTopicOutageTest.OwnResultsTopic.class)
class ResultsTopicOutageTest extends PipelineTestBase {
    static final String RESULTS = "conveyor.results.outage-test";

    public static class OwnResultsTopic implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("conveyor.topics.results", RESULTS,
                    // each transaction waits at most 1 s for the topic's metadata (default 60 s), and gives
                    // up on its sends after 5 s (default 30 s: SmallRye sends them again until then)
                    "mp.messaging.outgoing.results.max.block.ms", "1000",
                    "mp.messaging.outgoing.results.delivery.timeout.ms", "5000",
                    "mp.messaging.outgoing.results.request.timeout.ms", "5000",
                    "conveyor.health.output-refused-after", "2s", "conveyor.health.cache-ttl", "0s");
        }
    }

    @Inject
    @Readiness
    ConveyorReadinessCheck readiness;

    @Test
    void aResultTheBrokerDoesNotTakeIsPublishedOnceWhenTheTopicIsBack() throws Exception {
        try (Admin admin = OutageTopics.admin()) {
            OutageTopics.gone(admin, RESULTS);

            String id = OutageTopics.echo("noresult", "hello");
            await().atMost(Duration.ofSeconds(60)).until(() -> probe().statusStates(id).contains("ENDED"));
            await().atMost(Duration.ofSeconds(30)).until(() -> !OutageTopics.stageOutputs(readiness).up());
            assertThat(OutageTopics.stageOutputs(readiness).detail()).startsWith(RESULTS + ": 1 job(s) waiting, refused for ");
            assertThat(probe().statusStates(id)).as("the final status goes in the result's transaction").doesNotContain("SUCCEEDED");
            assertThat(probe().on("conveyor.dlq", id)).isEmpty();

            OutageTopics.create(admin, RESULTS);
            List<String> results = await().atMost(Duration.ofSeconds(90)).until(() -> results(id), r -> !r.isEmpty());
            assertThat(results).hasSize(1);
            SchemaAssert.assertValid("job-result", results.get(0));
            JobResult result = Json.read(results.get(0), JobResult.class);
            assertThat(result.status()).isEqualTo(JobState.SUCCEEDED);
            assertThat(result.tasks().get(0).stdoutTail()).isEqualTo("hello\n");
            await().atMost(Duration.ofSeconds(30)).until(() -> probe().statusStates(id).contains("SUCCEEDED"));
            assertThat(probe().on("conveyor.dlq", id)).isEmpty();
            assertThat(OutageTopics.stageOutputs(readiness)).isEqualTo(ProbeResult.up("every output taken"));
            // still one: the completions that came again while the topic was gone published nothing more
            assertThat(results(id)).hasSize(1);
        }
    }

    /** The committed results of job {@code id} on this service's results topic. */
    private static List<String> results(String id) {
        return OutageTopics.records(RESULTS, id).stream().map(ConsumerRecord::value).toList();
    }
}
