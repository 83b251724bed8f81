package dev.conveyor.cli;

import dev.conveyor.model.JobState;
import dev.conveyor.model.Json;
import dev.conveyor.model.result.JobResult;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * What Kafka already holds about one job. Every record of a job is keyed by its id, so each look-up
 * reads just the one partition the id maps to (default partitioner), from its start to the end it
 * had when the look-up began: O(one partition), read_committed.
 */
final class JobLookup implements AutoCloseable {
    /** A read that makes no progress for this long means the broker went away. */
    private static final Duration STALL = KafkaClients.API_TIMEOUT;

    private final String bootstrap;
    private final ConveyorTopics topics;
    private final KafkaConsumer<String, String> consumer;

    JobLookup(String bootstrap, ConveyorTopics topics) {
        this.bootstrap = bootstrap;
        this.topics = topics;
        this.consumer = KafkaClients.consumer(bootstrap);
    }

    /**
     * The job's result, if it has one. Should several results carry the id (REJECTED answers to
     * other records that reused it), the job's own — the last one that is not REJECTED — wins.
     */
    Optional<JobResult> findResult(String jobId) {
        JobResult[] found = {null, null}; // last not REJECTED, last of all
        scan(topics.results(), jobId, value -> {
            JobResult result = Json.read(value, JobResult.class);
            if (result.status() != JobState.REJECTED) {
                found[0] = result;
            }
            found[1] = result;
            return false;
        });
        return Optional.ofNullable(found[0] != null ? found[0] : found[1]);
    }

    /** Whether any status event was ever published for the job (it stops at the first). */
    boolean hasStatus(String jobId) {
        boolean[] seen = {false};
        scan(topics.status(), jobId, value -> seen[0] = true);
        return seen[0];
    }

    /** Passes each value with key {@code jobId} in the key's partition to {@code stop} until it returns true. */
    private void scan(String topic, String jobId, Predicate<String> stop) {
        KafkaClients.call(bootstrap, () -> {
            List<TopicPartition> all = partitions(consumer, bootstrap, topic);
            TopicPartition tp = new TopicPartition(topic,
                    Utils.toPositive(Utils.murmur2(jobId.getBytes(StandardCharsets.UTF_8))) % all.size());
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            Instant lastProgress = Instant.now();
            long position = consumer.position(tp);
            while (position < end) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    if (jobId.equals(r.key()) && stop.test(r.value())) {
                        return null;
                    }
                }
                long now = consumer.position(tp);
                if (now > position) {
                    position = now;
                    lastProgress = Instant.now();
                } else if (Instant.now().isAfter(lastProgress.plus(STALL))) {
                    throw CliException.kafkaUnreachable(bootstrap, null);
                }
            }
            return null;
        });
    }

    /** The topic's partitions; a missing topic means no Conveyor has run against this cluster. */
    static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String bootstrap, String topic) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, KafkaClients.API_TIMEOUT);
        if (infos == null || infos.isEmpty()) {
            throw new CliException(ExitCodes.KAFKA_UNREACHABLE, "Kafka at " + bootstrap + " has no topic " + topic
                    + ": is Conveyor running against this cluster? (conveyor serve creates its topics)", null);
        }
        return infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(2));
    }
}
