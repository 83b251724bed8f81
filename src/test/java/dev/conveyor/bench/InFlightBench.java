package dev.conveyor.bench;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Memory with many tasks in flight: the packaged service at a small heap ({@code -Xmx256m} by
 * default, exiting on OutOfMemoryError) takes J jobs of T independent tasks on the {@code noop}
 * backend, each task running S seconds, so that J×T tasks are RUNNING at once; prints the most
 * tasks seen running together (summed from the status topic's per-job counts), the heap in use
 * after a full GC at that moment, the peak RSS, and how the jobs ended. Run by
 * {@code bench/run.sh inflight [JOBS] [TASKS] [SECONDS] [XMX]}; not a test. {@code -Dbench.histogram=N}
 * also prints the N largest classes live at that moment ({@code jcmd GC.class_histogram}).
 */
public final class InFlightBench {
    private static final int HISTOGRAM = Integer.getInteger("bench.histogram", 0);

    public static void main(String[] args) throws Exception {
        int jobs = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int tasks = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 90;
        String xmx = args.length > 3 ? args[3] : "256m";
        long target = (long) jobs * tasks;
        Path root = BenchDirs.create("conveyor-inflight-");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(root.resolve("kafka"), 0)) {
            // -Dbench.service.jar=<another build's quarkus-run.jar> measures another build
            List<String> options = new ArrayList<>(List.of("-Xmx" + xmx, "-XX:+ExitOnOutOfMemoryError",
                    "-Dconveyor.instance-id=bench", "-Dquarkus.http.port=0"));
            options.addAll(RatioBench.serviceOpts()); // e.g. -Dbench.service.opts=-XX:+UseStringDeduplication
            List<String> cmd = new ArrayList<>(ServiceProcess.appJar(options,
                    System.getProperty("bench.service.jar", ServiceProcess.jar())));
            cmd.addAll(List.of("serve", "--bootstrap-servers", kafka.bootstrapServers(), "--data-dir", root.resolve("data").toString()));
            Process service = new ProcessBuilder(cmd)
                    .redirectErrorStream(true).redirectOutput(root.resolve("service.log").toFile()).start();
            try (KafkaConsumer<String, String> status = consumer(kafka.bootstrapServers(), "conveyor.status", "read_uncommitted");
                 KafkaConsumer<String, String> results = consumer(kafka.bootstrapServers(), "conveyor.results", "read_committed");
                 KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                         ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                         ProducerConfig.LINGER_MS_CONFIG, 5, ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 << 20),
                         new StringSerializer(), new StringSerializer())) {
                long start = System.nanoTime();
                for (int j = 0; j < jobs; j++) {
                    producer.send(new ProducerRecord<>("conveyor.requests", "inflight-" + j, request("inflight-" + j, tasks, seconds)));
                }
                producer.flush();
                System.out.printf("published %d jobs x %d tasks (%d tasks, each running %d s) to a service at -Xmx%s%n",
                        jobs, tasks, target, seconds, xmx);
                Map<String, Integer> running = new HashMap<>();
                long sum = 0;
                long peak = 0;
                double peakAt = 0;
                String heapAtPeak = "not measured";
                Map<String, Integer> ended = new TreeMap<>();
                int done = 0;
                long deadline = System.nanoTime() + Duration.ofSeconds(seconds * 4L + 300).toNanos();
                while (done < jobs && System.nanoTime() < deadline && service.isAlive()) {
                    for (ConsumerRecord<String, String> r : status.poll(Duration.ofMillis(100))) {
                        JsonNode counts = Json.read(r.value(), JsonNode.class).path("counts");
                        if (counts.isObject()) {
                            int now = counts.path("running").asInt();
                            Integer before = running.put(r.key(), now);
                            sum += now - (before == null ? 0 : before);
                        }
                    }
                    if (sum > peak) {
                        peak = sum;
                        peakAt = (System.nanoTime() - start) / 1e9;
                        if (peak == target) {
                            heapAtPeak = heapAfterGc(service.pid());
                            System.out.printf("all %d tasks running at once after %.1f s; heap after full GC: %s%n",
                                    peak, peakAt, heapAtPeak);
                            if (HISTOGRAM > 0) {
                                System.out.println(histogram(service.pid(), HISTOGRAM));
                            }
                        }
                    }
                    for (ConsumerRecord<String, String> r : results.poll(Duration.ZERO)) {
                        ended.merge(Json.read(r.value(), JsonNode.class).path("status").asText(), 1, Integer::sum);
                        done++;
                    }
                }
                if (!service.isAlive()) {
                    BenchDirs.keep(root); // its log says why
                }
                System.out.printf("in flight at once: %d of %d tasks (at %.1f s); heap after full GC then: %s; "
                                + "results: %d of %d %s in %.1f s; service %s; peak RSS %s%n",
                        peak, target, peakAt, heapAtPeak, done, jobs, ended, (System.nanoTime() - start) / 1e9,
                        service.isAlive() ? "alive" : "DIED (exit " + service.exitValue() + ", see " + root.resolve("service.log") + ")",
                        service.isAlive() ? PipelineBench.peakRss(service.pid()) : "n/a");
                if (Files.readString(root.resolve("service.log")).contains("OutOfMemoryError")) {
                    System.out.println("the service log reports an OutOfMemoryError");
                }
            } finally {
                service.destroy();
                service.waitFor();
            }
        }
    }

    /** What is live at that moment: the {@code jcmd GC.class_histogram} rows of the largest classes. */
    private static String histogram(long pid, int rows) {
        try {
            List<String> lines = RatioBench.jcmd(pid, "GC.class_histogram").lines().toList();
            List<String> out = new ArrayList<>(lines.subList(0, Math.min(lines.size(), rows + 3)));
            lines.stream().filter(l -> l.startsWith("Total")).findFirst().ifPresent(out::add);
            return String.join("\n", out);
        } catch (Exception e) {
            return "no histogram (" + e.getMessage() + ")";
        }
    }

    private static String heapAfterGc(long pid) {
        try {
            RatioBench.jcmd(pid, "GC.run");
            String out = RatioBench.jcmd(pid, "GC.heap_info");
            return out.lines().filter(l -> l.contains("total") && l.contains("used")).findFirst().orElse(out).trim();
        } catch (Exception e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    private static String request(String id, int tasks, int seconds) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (int t = 0; t < tasks; t++) {
            list.add(Map.of("id", "t" + t, "command", "sleep " + seconds));
        }
        return Json.write(Map.of("id", id, "runsOn", Map.of("type", "noop"), "tasks", list));
    }

    private static KafkaConsumer<String, String> consumer(String bootstrap, String topic, String isolation) {
        KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"), new StringDeserializer(), new StringDeserializer());
        List<TopicPartition> parts = new ArrayList<>();
        while (parts.isEmpty()) {
            c.partitionsFor(topic).forEach(p -> parts.add(new TopicPartition(p.topic(), p.partition())));
        }
        c.assign(parts);
        c.seekToBeginning(parts);
        return c;
    }
}
