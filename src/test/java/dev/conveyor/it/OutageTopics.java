package dev.conveyor.it;

import dev.conveyor.ops.ConveyorReadinessCheck;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import dev.conveyor.ops.ProbeResult;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.ConfigProvider;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.conveyor.it.PipelineTestBase.newId;
import static dev.conveyor.it.PipelineTestBase.probe;
import static org.awaitility.Awaitility.await;

/** What the outage tests share: a topic deleted and made again, a one-task job, a topic read whole, readiness, resends counted. */
final class OutageTopics {
    private OutageTopics() {
    }

    static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()));
    }

    /**
     * Deletes {@code topic} once the probe reads from the start of every topic — the probe reads the
     * default ones, and a service of these tests writes some of its outputs to others, so they may not exist yet.
     */
    static void gone(Admin admin, String topic) throws Exception {
        for (String read : List.of("conveyor.staged", "conveyor.completed", "conveyor.results", "conveyor.dlq", "conveyor.status")) {
            if (!admin.listTopics().names().get().contains(read)) {
                create(admin, read);
            }
        }
        probe();
        admin.deleteTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(30)).until(() -> !admin.listTopics().names().get().contains(topic));
    }

    static void create(Admin admin, String topic) throws Exception {
        admin.createTopics(List.of(new NewTopic(topic, 6, (short) 1))).all().get(30, TimeUnit.SECONDS);
    }

    /** Publishes a job of one task that echoes {@code word}; returns its id. */
    static String echo(String prefix, String word) {
        String id = newId(prefix);
        probe().publish(id, "id: " + id + "\ntasks:\n  - id: hello\n    command: echo " + word + "\n");
        return id;
    }

    /** The committed records with that key on {@code topic}, every partition read from the beginning to its end. */
    static List<ConsumerRecord<String, String>> records(String topic, String key) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"), new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<String, String>> found = new ArrayList<>();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    if (key.equals(r.key())) {
                        found.add(r);
                    }
                }
            }
            return found;
        }
    }

    /** What {@code /q/health/ready} says under {@code conveyor → stage-outputs}. */
    static ProbeResult stageOutputs(ConveyorReadinessCheck readiness) {
        String said = String.valueOf(readiness.call().getData().orElseThrow().get("stage-outputs"));
        return said.startsWith("UP (") ? ProbeResult.up(said.substring(4, said.length() - 1))
                : ProbeResult.down(said.substring("DOWN: ".length()));
    }

    /** How many times {@code stage} sent something again that the broker had not taken ({@code outcome="resent"}). */
    static double resent(MeterRegistry registry, String stage) {
        Counter c = registry.find("conveyor.stage.records").tag("stage", stage).tag("outcome", "resent").counter();
        return c == null ? 0 : c.count();
    }

    private static String bootstrap() {
        return ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    }
}
