package dev.conveyor.collection;

import dev.conveyor.kafka.AdminClients;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The collection group's committed offsets, read back after a result transaction whose commit the
 * producer did not count ({@link TransactionCommits}). SmallRye's
 * {@code KafkaTransactions} (4.33) logs a failed commit ("Transaction commit failed … aborting"),
 * aborts, and then completes as if it had committed: it neither fails nor rewinds the consumer, and
 * the next batch would commit past the aborted completions (the chaos run lost two results so). The
 * group's offsets, read with {@code require_stable} so a commit still being written is waited for,
 * say what really happened.
 */
final class CommittedOffsets implements AutoCloseable {
    private final Admin admin;
    private final String group;
    private final Duration timeout;

    CommittedOffsets(Map<String, Object> kafkaConfig, String group, Duration timeout) {
        Map<String, Object> config = new HashMap<>(kafkaConfig);
        // a commit whose markers are still being written answers UNSTABLE_OFFSET_COMMIT: ask again soon
        config.put(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 5);
        config.put(AdminClientConfig.RETRY_BACKOFF_MAX_MS_CONFIG, 200);
        this.admin = AdminClients.create(config, "conveyor-collection-offsets", timeout);
        this.group = group;
        this.timeout = timeout;
    }

    /** The partitions whose committed offset is below {@code next} (the offset after a batch's last record). */
    Set<TopicPartition> behind(Map<TopicPartition, Long> next) throws Exception {
        Map<TopicPartition, Long> committed = committed(next.keySet());
        Set<TopicPartition> out = new TreeSet<>(java.util.Comparator.comparing(TopicPartition::toString));
        next.forEach((tp, offset) -> {
            Long done = committed.get(tp);
            if (done == null || done < offset) {
                out.add(tp);
            }
        });
        return out;
    }

    Map<TopicPartition, Long> committed(Set<TopicPartition> partitions) throws Exception {
        try {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(
                            Map.of(group, new ListConsumerGroupOffsetsSpec().topicPartitions(partitions)),
                            new ListConsumerGroupOffsetsOptions().requireStable(true))
                    .partitionsToOffsetAndMetadata(group).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            Map<TopicPartition, Long> out = new HashMap<>();
            offsets.forEach((tp, om) -> {
                if (om != null) {
                    out.put(tp, om.offset());
                }
            });
            return out;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        } catch (TimeoutException e) {
            throw new TimeoutException("the committed offsets of group " + group + " did not come within " + timeout);
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(1));
    }
}
