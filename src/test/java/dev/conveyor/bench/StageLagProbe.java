package dev.conveyor.bench;

import dev.conveyor.kafka.EmbeddedKafka;
import dev.conveyor.testing.ServiceProcess;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Where a burst waits: publishes N 1-task noop jobs and prints, every second, each stage's consumer
 * lag (records its group has not committed yet). Run by {@code bench/run.sh lag [JOBS]}; a diagnostic.
 */
public final class StageLagProbe {
    public static void main(String[] args) throws Exception {
        int jobs = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        Map<String, String> groups = RatioBench.Pipeline.GROUPS;
        Path root = BenchDirs.create("conveyor-lag-");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(root.resolve("kafka"), 0)) {
            List<String> options = new ArrayList<>(List.of("-Dquarkus.http.port=0"));
            options.addAll(RatioBench.serviceOpts());
            List<String> cmd = new ArrayList<>(ServiceProcess.appJar(options));
            cmd.addAll(List.of("serve", "--bootstrap-servers", kafka.bootstrapServers(), "--data-dir", root.resolve("data").toString()));
            System.out.println("service log: " + root.resolve("service.log"));
            Process service = new ProcessBuilder(cmd)
                    .redirectErrorStream(true).redirectOutput(root.resolve("service.log").toFile()).start();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
                 RatioBench.Pipeline pipeline = new RatioBench.Pipeline(kafka.bootstrapServers())) {
                pipeline.watch(service);
                pipeline.warmUp(20);
                KafkaProducer<String, String> p = RatioBench.producer(kafka.bootstrapServers());
                long start = System.nanoTime();
                for (int i = 0; i < jobs; i++) {
                    p.send(new ProducerRecord<>("conveyor.requests", "lag-" + i, RatioBench.request("lag-" + i)));
                }
                p.flush();
                int[] samples = {0};
                // once a second, the lag of every stage's group, until all five have caught up (at most 120 s)
                BenchWaits.until(() -> {
                    StringBuilder line = new StringBuilder(String.format("t=%5.1fs", (System.nanoTime() - start) / 1e9));
                    long total = 0;
                    for (Map.Entry<String, String> g : groups.entrySet()) {
                        long lag = lag(admin, g.getKey(), g.getValue());
                        total += lag;
                        line.append(String.format("  %s=%d", g.getKey().substring(9), lag));
                    }
                    System.out.println(line);
                    return total == 0 && samples[0]++ > 2;
                }, Duration.ofSeconds(1), Duration.ofSeconds(120));
                p.close();
                stageTimes(kafka.bootstrapServers(), jobs);
            } finally {
                service.destroy();
                service.waitFor();
            }
        }
    }

    /** Median time from one stage's status event to the next, over the burst's jobs. */
    private static void stageTimes(String bootstrap, int jobs) {
        String[] order = {"submission:ACCEPTED", "staging:STAGED", "dispatch:DISPATCHED", "monitoring:RUNNING",
                "monitoring:ENDED", "collection:SUCCEEDED"};
        Map<String, Map<String, Long>> byJob = new java.util.HashMap<>();
        try (var c = new org.apache.kafka.clients.consumer.KafkaConsumer<String, String>(Map.of(
                org.apache.kafka.clients.consumer.ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                org.apache.kafka.clients.consumer.ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new org.apache.kafka.common.serialization.StringDeserializer(),
                new org.apache.kafka.common.serialization.StringDeserializer())) {
            var parts = c.partitionsFor("conveyor.status").stream().map(i -> new TopicPartition("conveyor.status", i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            var ends = c.endOffsets(parts);
            while (parts.stream().anyMatch(tp -> c.position(tp) < ends.get(tp))) {
                for (var r : c.poll(java.time.Duration.ofMillis(200))) {
                    var n = dev.conveyor.model.Json.read(r.value(), dev.conveyor.model.events.JobStatusEvent.class);
                    if (n.task() == null && r.key().startsWith("lag-")) {
                        byJob.computeIfAbsent(r.key(), k -> new java.util.HashMap<>())
                                .putIfAbsent(n.stage() + ":" + n.state(), n.time().toEpochMilli());
                    }
                }
            }
        }
        for (int i = 1; i < order.length; i++) {
            String a = order[i - 1], b = order[i];
            long[] d = byJob.values().stream().filter(m -> m.containsKey(a) && m.containsKey(b))
                    .mapToLong(m -> m.get(b) - m.get(a)).sorted().toArray();
            if (d.length > 0) {
                System.out.printf("%-22s -> %-22s median %5d ms  p90 %5d ms  (%d jobs)%n", a, b, d[d.length / 2],
                        d[(int) (d.length * 0.9)], d.length);
            }
        }
    }

    /** Records in {@code topic} that {@code group} has not committed yet. */
    static long lag(Admin admin, String group, String topic) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get();
        List<TopicPartition> parts = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()
                .stream().map(i -> new TopicPartition(topic, i.partition())).toList();
        Map<TopicPartition, Long> ends = admin.listOffsets(parts.stream().collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest())))
                .all().get().entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
        long lag = 0;
        for (TopicPartition tp : parts) {
            OffsetAndMetadata c = committed.get(tp);
            lag += ends.get(tp) - (c == null ? 0 : c.offset());
        }
        return lag;
    }
}
