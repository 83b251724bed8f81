package dev.conveyor.bench;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;

/**
 * The records a 1-task job is, moved by plain kafka-clients and nothing else: the event contract's
 * Kafka cost without any of Conveyor's work (no JSON, no validation, no durable state, no backend).
 * Five hops like {@link RatioBench.PlainChain}'s, but each also publishes the status events its stage
 * publishes (1, 1, 1, 3 and 1: accepted, staged, dispatched; running, the task's end, ended; the
 * result's) to a status topic that one reader follows (as the web view or a watching client does), and
 * the last hop — collection — publishes its outputs and commits its input offsets in one transaction per
 * poll, read {@code read_committed}. 13 records per job, like the pipeline's. Same producer settings as
 * the plain chain (acks=all, linger.ms=5, which only helps it), records no bigger than the pipeline's.
 * Its rate is the ceiling any implementation of the contract could reach on this broker and machine.
 */
final class ContractChain extends RatioBench.Measured {
    private static final int[] STATUSES = {1, 1, 1, 3, 1};
    private static final int STATUS_SIZE = 300;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();
    private final int size;

    ContractChain(String bootstrap, int size) throws Exception {
        super(bootstrap, createTopics(bootstrap), "job-5", true);
        this.size = size;
        for (int i = 0; i < 5; i++) {
            int hop = i;
            threads.add(worker("contract-hop-" + i, () -> hop(bootstrap, hop)));
        }
        threads.add(worker("contract-status-reader", () -> readStatus(bootstrap)));
    }

    private static String createTopics(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            List<NewTopic> topics = new ArrayList<>(IntStream.rangeClosed(0, 5)
                    .mapToObj(i -> new NewTopic("job-" + i, RatioBench.PARTITIONS, (short) 1)).toList());
            topics.add(new NewTopic("job-status", RatioBench.PARTITIONS, (short) 1));
            admin.createTopics(topics).all().get();
        }
        return "job-0";
    }

    @Override
    String value(String key) {
        return RatioBench.padded(key, 'x', size);
    }

    @Override
    Map<String, String> groups() {
        return RatioBench.hopGroups("contract-hop-", "job-");
    }

    private static String status(String key) {
        return RatioBench.padded(key, 's', STATUS_SIZE);
    }

    private void hop(String bootstrap, int i) {
        boolean last = i == 4;
        Map<String, Object> producerConfig = new HashMap<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 5));
        if (last) {
            producerConfig.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "contract-collection");
        }
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "contract-hop-" + i, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false", ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new StringDeserializer());
             KafkaProducer<String, String> p = new KafkaProducer<>(producerConfig, new StringSerializer(), new StringSerializer())) {
            if (last) {
                p.initTransactions();
            }
            c.subscribe(List.of("job-" + i));
            List<Future<RecordMetadata>> sends = new ArrayList<>();
            while (running.get()) {
                ConsumerRecords<String, String> rs = c.poll(Duration.ofMillis(100));
                if (rs.isEmpty()) {
                    continue;
                }
                if (last) {
                    p.beginTransaction();
                }
                Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                for (ConsumerRecord<String, String> r : rs) {
                    for (int s = 0; s < STATUSES[i]; s++) {
                        sends.add(p.send(new ProducerRecord<>("job-status", r.key(), status(r.key()))));
                    }
                    sends.add(p.send(new ProducerRecord<>("job-" + (i + 1), r.key(), r.value())));
                    offsets.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                }
                if (last) {
                    p.sendOffsetsToTransaction(offsets, c.groupMetadata());
                    p.commitTransaction();
                    sends.clear(); // commitTransaction throws if any of them failed
                } else {
                    p.flush();
                    RatioBench.acknowledged(sends, "contract-hop-" + i);
                    c.commitSync(offsets);
                }
            }
        }
    }

    private void readStatus(String bootstrap) {
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "contract-status", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest"),
                new StringDeserializer(), new StringDeserializer())) {
            c.subscribe(List.of("job-status"));
            while (running.get()) {
                c.poll(Duration.ofMillis(100));
            }
        }
    }

    @Override
    public void close() {
        RatioBench.stop(running, threads);
        super.close();
    }
}
