package dev.conveyor.it;

import dev.conveyor.model.JobState;
import dev.conveyor.model.Json;
import dev.conveyor.model.result.JobResult;
import dev.conveyor.storage.ObjectStore;
import dev.conveyor.testing.FaultyStore;
import dev.conveyor.testing.JobProbe;
import io.quarkus.arc.ClientProxy;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Results are never lost, hijacked or blown up: a ledger write that fails once is retried (it used
 * to be dropped, and the next transaction on the partition committed past the job); a REJECTED
 * request does not take the id of the valid job that follows it; a result too big for one record is
 * shortened and points to the whole one, and results keep flowing.
 */
@QuarkusTest
class CompletionDeliveryTest extends PipelineTestBase {
    @Inject
    ObjectStore store;

    private static int partition(String key) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % 6;
    }

    /** Another id that lands on the same partition of every topic as {@code id}. */
    private static String samePartitionAs(String id) {
        for (int i = 0; ; i++) {
            String other = id + "-next-" + i;
            if (partition(other) == partition(id)) {
                return other;
            }
        }
    }

    @Test
    void aLedgerWriteThatFailsOnceStillGivesTheJobExactlyOneResult() {
        FaultyStore faulty = new FaultyStore(ClientProxy.unwrap(store));
        QuarkusMock.installMockForType(faulty, ObjectStore.class);
        String first = newId("lost");
        String second = samePartitionAs(first);
        faulty.failWrites(key -> key.equals("jobs/" + first + "/result.json"), 1);

        probe().publish(first, "{\"id\":\"" + first + "\",\"runsOn\":{\"type\":\"noop\"},\"tasks\":[{\"id\":\"t\",\"command\":\"true\"}]}");
        await().atMost(Duration.ofSeconds(30)).until(() -> faulty.refused() == 1);
        probe().publish(second, "{\"id\":\"" + second + "\",\"runsOn\":{\"type\":\"noop\"},\"tasks\":[{\"id\":\"t\",\"command\":\"true\"}]}");

        assertThat(probe().awaitResult(second, Duration.ofSeconds(60)).status()).isEqualTo(JobState.SUCCEEDED);
        JobResult lost = probe().awaitResult(first, Duration.ofSeconds(60));
        assertThat(lost.status()).isEqualTo(JobState.SUCCEEDED);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> probe().on("conveyor.results", first).size() == 1);
    }

    /**
     * The chaos run's lost results: a consumer joins the collection group while a result transaction
     * is open, so its commit fails (the group's generation moved on). SmallRye 4.33 logs the failed
     * commit, aborts, and completes as if it had committed, without rewinding; the next batch of the
     * partition then committed past the aborted completion. The member that joins subscribes to
     * another topic, so the service keeps every partition (cooperative-sticky) and its position.
     */
    @Test
    void aResultTransactionAbortedByARebalanceIsPublishedAgainNotSkipped() throws Exception {
        FaultyStore faulty = new FaultyStore(ClientProxy.unwrap(store));
        QuarkusMock.installMockForType(faulty, ObjectStore.class);
        String first = newId("rebalanced");
        String second = samePartitionAs(first);
        CountDownLatch release = new CountDownLatch(1);
        faulty.holdWrites(key -> key.equals("jobs/" + first + "/result.json"), release);

        probe().publish(first, "{\"id\":\"" + first + "\",\"runsOn\":{\"type\":\"noop\"},\"tasks\":[{\"id\":\"t\",\"command\":\"true\"}]}");
        await().atMost(Duration.ofSeconds(30)).until(() -> faulty.held() == 1);
        String bootstrap = ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
        String otherTopic = "conveyor.rebalance-probe";
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(otherTopic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        try (KafkaConsumer<String, String> joiner = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "conveyor-collection",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName()),
                new StringDeserializer(), new StringDeserializer())) {
            joiner.subscribe(List.of(otherTopic));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                joiner.poll(Duration.ofMillis(100));
                return !joiner.assignment().isEmpty();
            });
        }
        release.countDown(); // the open transaction now commits with an old generation: it fails
        probe().publish(second, "{\"id\":\"" + second + "\",\"runsOn\":{\"type\":\"noop\"},\"tasks\":[{\"id\":\"t\",\"command\":\"true\"}]}");

        assertThat(probe().awaitResult(second, Duration.ofSeconds(60)).status()).isEqualTo(JobState.SUCCEEDED);
        assertThat(probe().awaitResult(first, Duration.ofSeconds(60)).status()).isEqualTo(JobState.SUCCEEDED);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> probe().on("conveyor.results", first).size() == 1);
    }

    @Test
    void twoJobsInterleavedOnOnePartitionKeepEachTheirEventsInOrder() {
        String a = newId("order");
        String b = samePartitionAs(a);
        String chain = "{\"id\":\"%s\",\"tasks\":[{\"id\":\"one\",\"command\":\"echo 1\"},"
                + "{\"id\":\"two\",\"needs\":[\"one\"],\"command\":\"echo 2\"},"
                + "{\"id\":\"three\",\"needs\":[\"two\"],\"command\":\"echo 3\"}]}";
        probe().publish(a, chain.formatted(a));
        probe().publish(b, chain.formatted(b));
        for (String id : List.of(a, b)) {
            assertThat(probe().awaitResult(id, Duration.ofSeconds(60)).status()).isEqualTo(JobState.SUCCEEDED);
        }
        List<String> expected = List.of("ACCEPTED", "STAGED", "DISPATCHED", "RUNNING", "ENDED", "SUCCEEDED");
        for (String id : List.of(a, b)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> probe().statusStates(id).containsAll(expected));
            List<String> jobLevel = probe().statusStates(id).stream().filter(expected::contains).toList();
            assertThat(jobLevel).as("status events of %s, in topic order", id).containsExactlyElementsOf(expected);
            List<String> tasks = probe().statusStates(id).stream().filter(s -> s.endsWith(":SUCCEEDED")).toList();
            assertThat(tasks).containsExactly("one:SUCCEEDED", "two:SUCCEEDED", "three:SUCCEEDED");
            for (String topic : List.of("conveyor.submitted", "conveyor.staged", "conveyor.dispatched", "conveyor.completed")) {
                assertThat(probe().on(topic, id)).as("%s of %s", topic, id).hasSize(1);
            }
        }
    }

    @Test
    void aRejectedRequestDoesNotTakeTheIdOfTheValidJobThatFollows() {
        String id = newId("hijack");
        probe().publish(id, "{\"id\":\"" + id + "\",\"tasks\":\"nope\"}");
        probe().publish(id, "{\"id\":\"" + id + "\",\"tasks\":[{\"id\":\"t\",\"command\":\"echo mine\"}]}");

        await().atMost(Duration.ofSeconds(60)).until(() -> probe().on("conveyor.results", id).size() == 2);
        List<JobResult> results = probe().on("conveyor.results", id).stream()
                .map(s -> Json.read(s.value(), JobResult.class)).toList();
        JobResult rejected = results.stream().filter(r -> r.status() == JobState.REJECTED).findFirst().orElseThrow();
        JobResult ran = results.stream().filter(r -> r.status() != JobState.REJECTED).findFirst().orElseThrow();
        assertThat(ran.status()).isEqualTo(JobState.SUCCEEDED);
        assertThat(ran.tasks().get(0).stdoutTail()).isEqualTo("mine\n");
        assertThat(rejected.request()).isNotEqualTo(ran.request());
        assertThat(rejected.problems()).extracting(p -> p.path()).contains("$.tasks");
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> probe().on("conveyor.results", id).size() == 2);
    }

    @Test
    void aResultTooBigForOneRecordIsShortenedPointsToTheWholeOneAndResultsKeepFlowing() {
        String big = newId("big");
        probe().publish(big, """
                id: %s
                tasks:
                  - id: many
                    command: 'mkdir out; i=0; while [ $i -lt 6000 ]; do : > out/file-with-a-rather-long-name-to-make-the-list-big-$i.txt; i=$((i+1)); done'
                    outputs: ["out/**"]
                """.formatted(big));
        JobResult result = probe().awaitResult(big, Duration.ofSeconds(120));
        JobProbe.Seen record = probe().on("conveyor.results", big).get(0);

        assertThat(result.status()).isEqualTo(JobState.SUCCEEDED);
        assertThat(record.value().getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(1024 * 1024);
        assertThat(result.truncated()).contains("output lists");
        assertThat(result.document()).endsWith("jobs/" + big + "/result-full.json");
        assertThat(result.tasks().get(0).outputCount()).isEqualTo(6000);
        assertThat(result.tasks().get(0).outputs()).hasSizeLessThan(6000);

        String after = newId("after-big");
        assertThat(run(after, "{\"id\":\"" + after + "\",\"tasks\":[{\"id\":\"t\",\"command\":\"true\"}]}").status())
                .isEqualTo(JobState.SUCCEEDED);
    }
}
