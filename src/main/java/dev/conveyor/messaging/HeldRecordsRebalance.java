package dev.conveyor.messaging;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

import java.util.Collection;

/**
 * The rebalance listener of submission's, staging's and dispatch's inputs: when partitions leave this instance, the
 * records held from them ({@link HeldRecords}) are let go of — their new owner gets them again from the committed
 * offset, so handing them back here as well would handle them twice.
 */
@ApplicationScoped
@Identifier(HeldRecordsRebalance.NAME)
public class HeldRecordsRebalance implements KafkaConsumerRebalanceListener {
    public static final String NAME = "conveyor-held-records-rebalance";

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        HeldRecords.letGoOf(partitions);
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        HeldRecords.letGoOf(partitions);
    }
}
