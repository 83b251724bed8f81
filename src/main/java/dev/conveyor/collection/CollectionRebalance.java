package dev.conveyor.collection;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

import java.util.Collection;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the times partitions of {@code conveyor.completed} left this instance. Collection plans a
 * batch while the one ahead commits; a batch planned across a revocation is dropped instead of
 * committed (its partitions may already be another member's, which reads them again), and the
 * consumer rewinds the partitions it kept.
 */
@ApplicationScoped
@Identifier(CollectionRebalance.NAME)
public class CollectionRebalance implements KafkaConsumerRebalanceListener {
    public static final String NAME = "conveyor-collection-rebalance";

    private final AtomicLong revocations = new AtomicLong();

    long revocations() {
        return revocations.get();
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        if (!partitions.isEmpty()) {
            revocations.incrementAndGet();
        }
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        if (!partitions.isEmpty()) {
            revocations.incrementAndGet();
        }
    }
}
