package dev.conveyor.bench;

import dev.conveyor.schemas.SchemaAssert;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Every record of one topic (read_committed, every partition, from the beginning) with the time
 * this process saw it, read on a background thread that rides out a broker restart. Records of a
 * topic with a schema are checked against it; a record that breaks its contract is counted.
 */
final class TopicTail implements AutoCloseable {
    private final List<ChaosBench.ResultLog.Seen> seen = new CopyOnWriteArrayList<>();
    private final List<String> invalid = new CopyOnWriteArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread reader;

    TopicTail(String bootstrap, String topic, String schema) {
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024),
                new StringDeserializer(), new StringDeserializer());
        if (!BenchWaits.until(() -> !consumer.partitionsFor(topic).isEmpty(), Duration.ofMillis(200), Duration.ofMinutes(2))) {
            throw new IllegalStateException("no topic " + topic);
        }
        List<TopicPartition> partitions = new ArrayList<>();
        consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        reader = new Thread(() -> {
            try (consumer) {
                while (running.get()) {
                    try {
                        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                            accept(r, schema);
                        }
                    } catch (RuntimeException e) {
                        // the broker is away: poll again
                    }
                }
            }
        }, "tail-" + topic);
        reader.setDaemon(true);
        reader.start();
    }

    private void accept(ConsumerRecord<String, String> r, String schema) {
        Map<String, String> headers = new HashMap<>();
        for (Header h : r.headers()) {
            headers.put(h.key(), h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8));
        }
        if (schema != null) {
            try {
                SchemaAssert.assertValid(schema, r.value());
            } catch (AssertionError e) {
                invalid.add(r.key() + ": " + e.getMessage());
            }
        }
        seen.add(new ChaosBench.ResultLog.Seen(r.key(), r.value(), System.nanoTime(), headers, r.partition(), r.offset()));
    }

    List<ChaosBench.ResultLog.Seen> seen() {
        return List.copyOf(seen);
    }

    List<String> invalid() {
        return List.copyOf(invalid);
    }

    @Override
    public void close() {
        running.set(false);
        try {
            reader.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
