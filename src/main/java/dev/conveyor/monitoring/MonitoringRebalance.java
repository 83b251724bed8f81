package dev.conveyor.monitoring;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

import java.util.Collection;

/**
 * Tells monitoring when partitions of {@code conveyor.dispatched} leave this instance, so it stops
 * driving their jobs at once; their new owner receives the held records again and resumes the
 * jobs from the saved run states.
 */
@ApplicationScoped
@Identifier(MonitoringRebalance.NAME)
public class MonitoringRebalance implements KafkaConsumerRebalanceListener {
    public static final String NAME = "conveyor-monitoring-rebalance";

    @Inject
    MonitoringStage monitoring;

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        monitoring.revoked(partitions);
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        monitoring.revoked(partitions);
    }
}
