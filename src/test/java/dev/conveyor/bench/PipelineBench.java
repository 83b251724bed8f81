package dev.conveyor.bench;

import dev.conveyor.kafka.EmbeddedKafka;
import dev.conveyor.model.Json;
import dev.conveyor.testing.ServiceProcess;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The pipeline alone: the packaged service (all five stages, noop provider) against a real
 * broker; N jobs of T tasks published at once; measures jobs per second until the last result and
 * per-job latency (publish → result), and the service's peak resident memory. Run by
 * {@code bench/run.sh pipeline}; not a test.
 */
public final class PipelineBench {

    public static void main(String[] args) throws Exception {
        int jobs = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        int tasksPerJob = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        Path root = BenchDirs.create("conveyor-bench-");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(root.resolve("kafka"), 0)) {
            List<String> cmd = new ArrayList<>(ServiceProcess.appJar(List.of("-Dconveyor.instance-id=bench",
                    "-Dconveyor.monitoring.poll-interval=100ms", "-Dquarkus.http.port=0")));
            cmd.addAll(List.of("serve", "--bootstrap-servers", kafka.bootstrapServers(), "--data-dir", root.resolve("data").toString()));
            Process service = new ProcessBuilder(cmd)
                    .redirectErrorStream(true).redirectOutput(root.resolve("service.log").toFile()).start();
            try (KafkaConsumer<String, String> results = resultsConsumer(kafka.bootstrapServers());
                 KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                         ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(), ProducerConfig.LINGER_MS_CONFIG, 5),
                         new StringSerializer(), new StringSerializer())) {
                warmUp(producer, results);
                Map<String, Long> published = new HashMap<>();
                long start = System.nanoTime();
                for (int j = 0; j < jobs; j++) {
                    String id = "bench-" + j;
                    published.put(id, System.nanoTime());
                    producer.send(new ProducerRecord<>("conveyor.requests", id, request(id, tasksPerJob)));
                }
                producer.flush();
                long[] latencies = new long[jobs];
                int done = 0;
                while (done < jobs) {
                    for (ConsumerRecord<String, String> r : results.poll(Duration.ofMillis(200))) {
                        Long at = published.remove(r.key());
                        if (at != null) {
                            latencies[done++] = System.nanoTime() - at;
                        }
                    }
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                Arrays.sort(latencies);
                System.out.printf("pipeline (noop provider): %d jobs x %d tasks in %.1f s = %.1f jobs/s (%.0f tasks/s); "
                                + "latency p50 %.0f ms, p99 %.0f ms, max %.0f ms; service peak RSS %s%n",
                        jobs, tasksPerJob, seconds, jobs / seconds, jobs * tasksPerJob / seconds,
                        latencies[jobs / 2] / 1e6, latencies[(int) (jobs * 0.99)] / 1e6, latencies[jobs - 1] / 1e6,
                        peakRss(service.pid()));
            } finally {
                service.destroy();
                service.waitFor();
            }
        }
    }

    private static void warmUp(KafkaProducer<String, String> producer, KafkaConsumer<String, String> results) {
        producer.send(new ProducerRecord<>("conveyor.requests", "warm-up", request("warm-up", 1)));
        producer.flush();
        boolean seen = false;
        while (!seen) {
            for (ConsumerRecord<String, String> r : results.poll(Duration.ofMillis(200))) {
                seen |= "warm-up".equals(r.key());
            }
        }
    }

    private static String request(String id, int tasks) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (int t = 0; t < tasks; t++) {
            list.add(t == 0 ? Map.of("id", "t0", "command", "true")
                    : Map.of("id", "t" + t, "command", "true", "needs", List.of("t0")));
        }
        return Json.write(Map.of("id", id, "runsOn", Map.of("type", "noop"), "tasks", list));
    }

    private static KafkaConsumer<String, String> resultsConsumer(String bootstrap) {
        KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"), new StringDeserializer(), new StringDeserializer());
        List<TopicPartition> parts = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 60_000;
        while (parts.isEmpty() && System.currentTimeMillis() < deadline) {
            c.partitionsFor("conveyor.results").forEach(p -> parts.add(new TopicPartition(p.topic(), p.partition())));
        }
        c.assign(parts);
        c.seekToBeginning(parts);
        return c;
    }

    static String peakRss(long pid) {
        try {
            return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                    .filter(l -> l.startsWith("VmHWM")).map(l -> l.replaceAll("\\s+", " ").substring(7)).findFirst()
                    .orElse("unknown");
        } catch (Exception e) {
            return "unknown";
        }
    }
}
