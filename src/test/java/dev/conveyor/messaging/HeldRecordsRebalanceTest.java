package dev.conveyor.messaging;

import dev.conveyor.storage.StoreUnavailableException;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A record submission, staging or dispatch held (the store or the Batch API away) whose partition leaves this instance
 * is let go of: its new owner gets it again from the committed offset, so handing it back here too would handle it twice.
 */
class HeldRecordsRebalanceTest {
    private final AtomicInteger handedBack = new AtomicInteger();

    private static Message<String> record(String topic, int partition, long offset) {
        return Message.of("{}").addMetadata(new IncomingKafkaRecordMetadata<>(
                new ConsumerRecord<>(topic, partition, offset, "job-" + offset, "{}"), "in"));
    }

    private void hold(HeldRecords held, Message<String> record) {
        assertThat(held.holdIfItMayPass(HeldRecords.name("job", record), record,
                new StoreUnavailableException("the store is away", null, null), () -> {
                    handedBack.incrementAndGet();
                    return Uni.createFrom().voidItem();
                })).isTrue();
    }

    @Test
    void theRecordsHeldFromRevokedPartitionsAreLetGoOfInEveryStageAndNoOthers() {
        HeldRecords staging = HeldRecords.of("staging", Duration.ofMinutes(10));
        HeldRecords dispatch = HeldRecords.of("dispatch", Duration.ofMinutes(10));
        hold(staging, record("conveyor.submitted", 0, 1));
        hold(staging, record("conveyor.submitted", 1, 2));
        hold(dispatch, record("conveyor.staged", 0, 3));
        hold(dispatch, record("conveyor.staged", 1, 4));

        new HeldRecordsRebalance().onPartitionsRevoked(null, List.of(new TopicPartition("conveyor.submitted", 0),
                new TopicPartition("conveyor.staged", 1)));

        assertThat(staging.size()).as("staging keeps conveyor.submitted-1's record").isEqualTo(1);
        assertThat(dispatch.size()).as("dispatch keeps conveyor.staged-0's record").isEqualTo(1);

        new HeldRecordsRebalance().onPartitionsLost(null, List.of(new TopicPartition("conveyor.submitted", 1),
                new TopicPartition("conveyor.staged", 0)));
        assertThat(staging.size()).isZero();
        assertThat(dispatch.size()).isZero();
        staging.answered(); // what was let go of is not handed back, even when the store answers again
        dispatch.answered();
        assertThat(handedBack).hasValue(0);
    }

    @Test
    void aRecordWithoutKafkaMetadataIsNotTakenForOneOfThePartitions() {
        HeldRecords held = HeldRecords.of("submission", Duration.ofMinutes(10));
        hold(held, Message.of("{}"));
        HeldRecords.letGoOf(List.of(new TopicPartition("conveyor.requests", 0)));
        assertThat(held.size()).isEqualTo(1);
        held.letGo(token -> true);
    }
}
