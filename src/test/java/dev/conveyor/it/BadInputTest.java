package dev.conveyor.it;

import dev.conveyor.model.JobState;
import dev.conveyor.model.Problem;
import dev.conveyor.model.result.JobResult;
import dev.conveyor.testing.JobProbe;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@QuarkusTest
class BadInputTest extends PipelineTestBase {

    @Test
    void badRequestIsRejectedNamingEveryProblem() {
        String id = newId("bad");
        JobResult result = run(id, """
                {"id": "%s", "tasks": [
                  {"id": "a", "command": "true", "timeout": "soon"},
                  {"id": "a", "command": "true"},
                  {"id": "b", "needs": ["nope"], "comand": "x"}
                ]}
                """.formatted(id));

        assertThat(result.status()).isEqualTo(JobState.REJECTED);
        assertThat(result.tasks()).isEmpty();
        assertThat(result.problems()).extracting(Problem::path).contains(
                "$.tasks[0].timeout", "$.tasks[1].id", "$.tasks[2].needs[0]", "$.tasks[2].comand", "$.tasks[2].command");
        assertThat(result.problems()).allSatisfy(p -> assertThat(p.message()).isNotBlank());
        assertThat(probe().statusStates(id)).contains("REJECTED");
    }

    @Test
    void garbageGoesToTheDlqWithReasonHeadersAndTheNextJobOnThePartitionCompletes() {
        String key = newId("shared-key");
        byte[] garbage = {(byte) 0xff, (byte) 0xfe, 0x00, 0x13, 'n', 'o', 't'};
        probe().publish(key, garbage);
        // Same key → same partition: the good job queues behind the garbage.
        String goodId = newId("after-garbage");
        probe().publish(key, "{\"id\": \"" + goodId + "\", \"tasks\": [{\"id\": \"t\", \"command\": \"echo ok\"}]}");

        JobResult good = probe().awaitResult(goodId, Duration.ofSeconds(60));
        assertThat(good.status()).isEqualTo(JobState.SUCCEEDED);

        await().atMost(Duration.ofSeconds(30)).until(() -> !probe().on("conveyor.dlq", key).isEmpty());
        List<JobProbe.Seen> dead = probe().on("conveyor.dlq", key);
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).headers()).containsKeys("dead-letter-reason", "dead-letter-topic",
                "dead-letter-partition", "dead-letter-offset");
        assertThat(dead.get(0).headers().get("dead-letter-topic")).isEqualTo("conveyor.requests");
        // The key names a job id: the sender also gets a REJECTED result for the unreadable bytes.
        JobResult rejected = probe().awaitResult(key, Duration.ofSeconds(30));
        assertThat(rejected.status()).isEqualTo(JobState.REJECTED);
        assertThat(rejected.problems()).singleElement().satisfies(p -> assertThat(p.path()).isEqualTo("$"));
    }

    /**
     * Found by the fuzz run: a {@code ce_source} header without a value made SmallRye's CloudEvents
     * reader throw, which closed the requests consumer; no request was answered after it. Conveyor
     * reads no CloudEvents attributes from incoming records, so it no longer parses them.
     */
    @Test
    void cloudEventHeadersWithoutValuesNeverStopTheRequestsConsumer() {
        String key = newId("ce-garbage");
        RecordHeaders headers = new RecordHeaders();
        headers.add("ce_specversion", "1.0".getBytes(StandardCharsets.UTF_8));
        headers.add("ce_id", new byte[0]);
        headers.add("ce_source", null);
        headers.add("ce_type", new byte[] {(byte) 0xff, 0x00});
        probe().publish(key, ("{\"id\": \"" + key + "\", \"tasks\": [{\"id\": \"t\", \"command\": \"echo headers\"}]}")
                .getBytes(StandardCharsets.UTF_8), headers);
        String next = newId("after-ce-garbage");
        probe().publish(key, "{\"id\": \"" + next + "\", \"tasks\": [{\"id\": \"t\", \"command\": \"echo next\"}]}");

        assertThat(probe().awaitResult(key, Duration.ofSeconds(60)).status()).isEqualTo(JobState.SUCCEEDED);
        assertThat(probe().awaitResult(next, Duration.ofSeconds(60)).status()).isEqualTo(JobState.SUCCEEDED);
    }

    @Test
    void unreadableRequestWithARecoverableIdGetsARejectedResult() {
        String id = newId("broken-json");
        probe().publish(null, "{\"id\": \"" + id + "\", \"tasks\": [ {\"id\": ");

        JobResult result = probe().awaitResult(id, Duration.ofSeconds(60));
        assertThat(result.status()).isEqualTo(JobState.REJECTED);
        assertThat(result.problems().get(0).message()).startsWith("not a job request");
        await().atMost(Duration.ofSeconds(30)).until(() -> probe().on("conveyor.dlq").stream()
                .anyMatch(s -> s.value().contains(id)));
    }

    @Test
    void aSecondRequestWithAnAcceptedIdIsIgnoredAndTheJobHasOneResult() {
        String id = newId("dup");
        String request = "{\"id\": \"" + id + "\", \"tasks\": [{\"id\": \"t\", \"command\": \"echo once\"}]}";
        JobResult first = run(id, request);
        probe().publish(id, request);

        await().atMost(Duration.ofSeconds(30)).until(() -> probe().statusStates(id).contains("DUPLICATE"));
        assertThat(first.status()).isEqualTo(JobState.SUCCEEDED);
        assertThat(probe().on("conveyor.results", id)).hasSize(1);
    }
}
