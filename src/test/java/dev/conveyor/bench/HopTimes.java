package dev.conveyor.bench;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the jobs of one phase spent their time: per hop of the pipeline, the difference of the
 * record create times of one job's records on two consecutive topics (the job id is the key on
 * every topic), as p50 / p90 / p99. Read after the phase from the broker's own records.
 */
final class HopTimes {
    private static final List<String> TOPICS = List.of("conveyor.requests", "conveyor.submitted", "conveyor.staged",
            "conveyor.dispatched", "conveyor.completed", "conveyor.results");

    private HopTimes() {
    }

    static void print(String bootstrap, String keyPrefix) {
        List<Map<String, Long>> created = new ArrayList<>();
        for (String topic : TOPICS) {
            created.add(createTimes(bootstrap, topic, keyPrefix));
        }
        List<String> jobs = created.get(0).keySet().stream().filter(k -> created.stream().allMatch(m -> m.containsKey(k)))
                .toList();
        System.out.printf("%nWhere a job of the rate phase waits (%d jobs; record create times, p50 / p90 / p99):%n", jobs.size());
        if (jobs.isEmpty()) {
            return;
        }
        for (int i = 0; i + 1 < TOPICS.size(); i++) {
            print(TOPICS.get(i) + " → " + TOPICS.get(i + 1), created.get(i), created.get(i + 1), jobs);
        }
        print("request → result record created", created.get(0), created.get(TOPICS.size() - 1), jobs);
    }

    private static void print(String hop, Map<String, Long> from, Map<String, Long> to, List<String> jobs) {
        long[] d = jobs.stream().mapToLong(k -> to.get(k) - from.get(k)).sorted().toArray();
        System.out.printf("  %-45s %4d / %4d / %4d ms%n", hop, d[d.length / 2], d[(int) (d.length * 0.9)],
                d[Math.min(d.length - 1, (int) (d.length * 0.99))]);
    }

    /** The first create time of each key with the prefix on the topic (results: committed ones only). */
    private static Map<String, Long> createTimes(String bootstrap, String topic, String keyPrefix) {
        Map<String, Long> out = new HashMap<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024),
                new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            while (parts.stream().anyMatch(p -> c.position(p) < end.get(p))) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                    if (r.key() != null && r.key().startsWith(keyPrefix)) {
                        out.putIfAbsent(r.key(), r.timestamp());
                    }
                }
            }
        }
        return out;
    }
}
