package dev.conveyor.it;

import dev.conveyor.ops.ConveyorReadinessCheck;
import dev.conveyor.ops.ProbeResult;
import org.eclipse.microprofile.health.Readiness;

import dev.conveyor.model.JobState;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The DLQ unavailable while a poison record arrives: the jobs behind it on its partition go on, the
 * record is sent to the DLQ again until the DLQ takes it — then it is there once, with its reason
 * headers, and the partition's committed offset moves past it. (Before, SmallRye gave up after the DLQ
 * producer's delivery timeout: the record never reached the DLQ, and the partition's committed offset
 * stayed behind it for the life of the process.) Meanwhile readiness ({@code stage-outputs}) names the DLQ.
 */
@QuarkusTest
@TestProfile(DlqOutageTest.OwnDlq.class)
class DlqOutageTest extends PipelineTestBase {
    static final String DLQ = "conveyor.dlq.outage-test";

    public static class OwnDlq implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // the DLQ producer gives up on a record within seconds (default: a minute for the metadata, two in all)
            return Map.of("conveyor.topics.dlq", DLQ,
                    "conveyor.health.output-refused-after", "2s", "conveyor.health.cache-ttl", "0s",
                    "mp.messaging.incoming.requests.dead-letter-queue.max.block.ms", "1000",
                    "mp.messaging.incoming.requests.dead-letter-queue.delivery.timeout.ms", "3000",
                    "mp.messaging.incoming.requests.dead-letter-queue.request.timeout.ms", "3000");
        }
    }

    @Inject
    MeterRegistry registry;
    @Inject
    @Readiness
    ConveyorReadinessCheck readiness;

    @Test
    void aPoisonRecordWaitsForTheDlqAndTheJobsBehindItGoOn() throws Exception {
        try (Admin admin = OutageTopics.admin()) {
            OutageTopics.gone(admin, DLQ);
            String key = newId("poison");
            probe().publish(key, new byte[] {(byte) 0xff, (byte) 0xfe, 0x00, 0x13, 'n', 'o', 't'});
            String good = newId("behind");
            probe().publish(key, "{\"id\": \"" + good + "\", \"tasks\": [{\"id\": \"t\", \"command\": \"echo ok\"}]}");

            // the job behind the poison record on its partition goes on, and the poison's sender has its answer
            assertThat(probe().awaitResult(good, Duration.ofSeconds(60)).status()).isEqualTo(JobState.SUCCEEDED);
            assertThat(probe().awaitResult(key, Duration.ofSeconds(30)).status()).isEqualTo(JobState.REJECTED);
            await().atMost(Duration.ofSeconds(60)).until(() -> resent() >= 2);
            Where poison = where(key);
            assertThat(committed(admin, poison.partition())).as("the committed offset waits behind the poison record")
                    .isLessThanOrEqualTo(poison.offset());
            // and readiness says the DLQ does not take it
            await().atMost(Duration.ofSeconds(30)).until(() -> !OutageTopics.stageOutputs(readiness).up());
            assertThat(OutageTopics.stageOutputs(readiness).detail()).startsWith(DLQ + ": 1 record(s) waiting, refused for ");

            OutageTopics.create(admin, DLQ);
            List<ConsumerRecord<String, String>> dead = await().atMost(Duration.ofSeconds(60)).until(() -> OutageTopics.records(DLQ, key), d -> !d.isEmpty());
            assertThat(dead).hasSize(1);
            assertThat(dead.get(0).headers().lastHeader("dead-letter-topic").value()).asString().isEqualTo("conveyor.requests");
            assertThat(dead.get(0).headers().lastHeader("dead-letter-reason")).isNotNull();
            // and moves past it and the job behind it
            await().atMost(Duration.ofSeconds(30)).until(() -> committed(admin, poison.partition()) >= poison.offset() + 2);
            assertThat(OutageTopics.records(DLQ, key)).hasSize(1);
            assertThat(OutageTopics.stageOutputs(readiness)).isEqualTo(ProbeResult.up("every output taken"));
        }
    }

    record Where(int partition, long offset) {
    }

    /** Where on conveyor.requests the first record with that key is. */
    private static Where where(String key) {
        ConsumerRecord<String, String> first = OutageTopics.records("conveyor.requests", key).get(0);
        return new Where(first.partition(), first.offset());
    }

    /** The submission group's committed offset on that partition of conveyor.requests (0 when none). */
    private static long committed(Admin admin, int partition) throws Exception {
        OffsetAndMetadata o = admin.listConsumerGroupOffsets("conveyor-submission").partitionsToOffsetAndMetadata().get()
                .get(new TopicPartition("conveyor.requests", partition));
        return o == null ? 0 : o.offset();
    }

    private double resent() {
        return OutageTopics.resent(registry, "submission");
    }
}
