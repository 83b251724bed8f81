package dev.conveyor.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.conveyor.cli.Emulation;
import dev.conveyor.cli.Emulations;
import dev.conveyor.model.Json;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The chaos harness ({@code bench/run.sh chaos [JOBS] [SECONDS] [--broker-kill]}): one broker
 * process and two all-stage {@code serve} workers in default settings on one shared data dir; JOBS
 * mixed jobs ({@code noop} and {@code local}, one task or a 2-task chain) published evenly over
 * SECONDS, while a random worker is SIGKILLed every 6 s and started again (with
 * {@code --broker-kill}, the broker once instead, half-way; {@code --burst}: every job at once;
 * {@code --interval=0} or SECONDS 0: no kills). Then it waits for the results and
 * counts what went wrong: lost, duplicated, wrong-state results, tasks run twice (every local task
 * appends its name to a marker file), orphans (task processes still alive after their job's
 * result), leftovers (local job folders not cleaned), and the longest time without a new result
 * after the last kill. Exit code 0 only when every count is 0. Not a test: never in the build.
 * {@code --backend=aws-batch} or {@code --backend=azure-batch}: the jobs that run commands run on that
 * backend instead of {@code local} — its emulator and object store ({@code run --emulate}'s) started in this
 * process, outliving every kill, the workers pointed at them — and what is still waiting or running on
 * it after the results counts as orphans ({@link CloudLeftovers}). {@code --store-outage=N} (aws-batch or
 * azure-batch): the store down for N seconds in the middle of the run, then back with its data; {@code --api-outage=N}:
 * the Batch API answering every call 503 for N seconds in the middle of the run ({@link Outage}).
 */
public final class ChaosBench {
    private static final Duration WAIT_FOR_RESULTS = Duration.ofMinutes(5);
    private static final Duration SETTLE = Duration.ofSeconds(20);

    public static void main(String[] args) throws Exception {
        System.exit(new ChaosBench(ChaosOptions.parse(args)).run());
    }

    private final int jobs;
    /** Seconds the object store is down in the middle of the run (0: never). */
    private final int storeOutage;
    /** Seconds the Batch API answers 503 in the middle of the run (0: never). */
    private final int apiOutage;
    private final int seconds;
    private final boolean brokerKill;
    private final boolean burst;
    private final int workerCount;
    private final double interval;
    private final long seed;
    private final Path root;
    private final Path markers;
    /** Where the jobs that run commands run: {@code local}, or an emulated cloud backend (its emulator outlives the kills). */
    private final String backend;
    /** When each job's request was handed to the producer (nanoTime). */
    private final long[] sentAt;

    private ChaosBench(ChaosOptions o) throws IOException {
        this.backend = o.backend();
        this.sentAt = new long[o.jobs()];
        this.jobs = o.jobs();
        this.burst = o.burst();
        this.seconds = o.seconds();
        this.brokerKill = o.brokerKill();
        this.workerCount = o.workers();
        this.interval = o.interval();
        this.seed = o.seed();
        this.storeOutage = o.storeOutage();
        this.apiOutage = o.apiOutage();
        this.root = BenchDirs.create("conveyor-chaos-");
        this.markers = root.resolve("markers.txt");
        Files.createFile(markers);
    }

    /** The request of job {@code i}: noop or on the backend (local by default), one task or a chain a → b. */
    String request(int i) {
        String id = jobId(i);
        boolean local = i % 4 >= 2;
        String runsOn = !local ? "{\"type\":\"noop\"}"
                : backend.equals("azure-batch") // a pool of its own, made by the first job: 2 nodes of 8 slots
                ? "{\"type\":\"azure-batch\",\"with\":{\"pool_id\":\"chaos-pool\",\"node_count\":\"2\",\"max_tasks_per_node\":\"8\"}}"
                : "{\"type\":\"" + backend + "\"}";
        boolean chain = i % 2 == 1;
        String a = local ? "echo %s/a >> %s; sleep 1".formatted(id, markers) : "sleep 1";
        String b = local ? "echo %s/b >> %s".formatted(id, markers) : "true";
        String tasks = chain
                ? "[{\"id\":\"a\",\"command\":%s},{\"id\":\"b\",\"needs\":[\"a\"],\"command\":%s}]".formatted(quote(a), quote(b))
                : "[{\"id\":\"a\",\"command\":%s}]".formatted(quote(a));
        return "{\"id\":\"%s\",\"runsOn\":%s,\"tasks\":%s}".formatted(id, runsOn, tasks);
    }

    static String jobId(int i) {
        return "chaos-%05d".formatted(i);
    }

    private static String quote(String s) {
        return Json.write(s);
    }

    private int run() throws Exception {
        System.out.printf("chaos: %d jobs %s, %d workers, a kill every %.0f s for %d s%s, seed %d, tasks on %s, in %s%n",
                jobs, burst ? "at once" : "over " + seconds + " s", workerCount, interval, seconds,
                brokerKill ? " (the broker once)" : "", seed, backend, root);
        Random random = new Random(seed);
        // the emulator (and the store it needs) is the cloud: it lives through every kill, in this process
        List<Emulation> emulations = backend.equals("local") ? List.of()
                : Emulations.start(java.util.Set.of(backend), root.resolve("emulators"));
        Map<String, String> cloud = new LinkedHashMap<>();
        emulations.forEach(e -> {
            cloud.putAll(e.serviceConfig());
            System.out.println(e.describe());
        });
        List<String> workerOptions = new ArrayList<>(cloud.entrySet().stream().map(e -> "-D" + e.getKey() + "=" + e.getValue()).toList());
        // e.g. -Dbench.worker.opts=-Dquarkus.log.category.\"dev.conveyor\".level=DEBUG, to see what the workers did
        String extra = System.getProperty("bench.worker.opts", "").trim();
        if (!extra.isEmpty()) {
            workerOptions.addAll(List.of(extra.split("[\\s;]+"))); // several: separated by ";" (BENCH_JAVA_OPTS splits on spaces)
        }
        try (Emulations.Running running = new Emulations.Running(emulations);
             ChaosCluster cluster = new ChaosCluster(root, workerCount, workerOptions)) {
            cluster.startBroker();
            for (int i = 0; i < workerCount; i++) {
                cluster.startWorker(i);
            }
            try (ResultLog results = new ResultLog(cluster.bootstrap());
                 TopicTail status = new TopicTail(cluster.bootstrap(), "conveyor.status", "job-status");
                 KafkaProducer<String, String> producer = producer(cluster.bootstrap())) {
                warmUp(producer, results);
                long t0 = System.nanoTime();
                List<Future<RecordMetadata>> sent = new ArrayList<>();
                Thread submitter = new Thread(() -> {
                    for (int i = 0; i < jobs; i++) {
                        if (!burst) {
                            sleepUntil(t0 + (long) (i * (seconds * 1e9 / jobs)));
                        }
                        sentAt[i] = System.nanoTime();
                        sent.add(producer.send(new ProducerRecord<>("conveyor.requests", jobId(i), request(i))));
                    }
                }, "chaos-submitter");
                submitter.start();
                List<Thread> outages = new ArrayList<>();
                if (storeOutage > 0) {
                    outages.add(Outage.STORE.start(emulations, t0, seconds, storeOutage));
                }
                if (apiOutage > 0) {
                    outages.add(Outage.API.start(emulations, t0, seconds, apiOutage));
                }

                int kills = interval <= 0 ? 0 : (int) Math.floor(seconds / interval);
                int brokerAt = brokerKill ? Math.max(1, kills / 2) : -1;
                long lastKill = t0;
                List<String> events = new ArrayList<>();
                for (int k = 1; k <= kills; k++) {
                    long slot = t0 + (long) (k * interval * 1e9);
                    if (System.nanoTime() > slot + (long) (interval * 1e9 / 2)) {
                        events.add("(slot %d skipped: the last restart took longer)".formatted(k));
                        continue;
                    }
                    sleepUntil(slot);
                    lastKill = System.nanoTime();
                    if (k == brokerAt) {
                        cluster.killAndRestartBroker(Duration.ofSeconds(2));
                        events.add("%.0fs broker".formatted((lastKill - t0) / 1e9));
                    } else {
                        int w = random.nextInt(cluster.workerCount());
                        cluster.killAndRestartWorker(w);
                        events.add("%.0fs worker-%d".formatted((lastKill - t0) / 1e9, w));
                    }
                }
                submitter.join();
                for (Thread outage : outages) {
                    outage.join();
                }
                for (Future<RecordMetadata> f : sent) {
                    f.get(5, TimeUnit.MINUTES);
                }
                System.out.println("kills: " + String.join(", ", events));

                List<String> ids = java.util.stream.IntStream.range(0, jobs).mapToObj(ChaosBench::jobId).toList();
                BenchWaits.until(() -> results.firstByJob().keySet().containsAll(ids), Duration.ofMillis(500), WAIT_FOR_RESULTS);
                // duplicates, clean-up: until no result has come for SETTLE
                BenchWaits.quietFor(() -> results.all().size(), SETTLE, SETTLE.multipliedBy(6));
                return report(results, status, ids, lastKill, t0, cluster, CloudLeftovers.of(backend, cloud));
            }
        }
    }

    private void warmUp(KafkaProducer<String, String> producer, ResultLog results) throws Exception {
        String id = "chaos-warm-up";
        producer.send(new ProducerRecord<>("conveyor.requests", id,
                "{\"id\":\"" + id + "\",\"runsOn\":{\"type\":\"noop\"},\"tasks\":[{\"id\":\"t\",\"command\":\"true\"}]}")).get();
        if (!BenchWaits.until(() -> results.firstByJob().containsKey(id), Duration.ofMillis(200), Duration.ofMinutes(3))) {
            BenchDirs.keep(root);
            throw new IllegalStateException("no result for the warm-up job; see the logs in " + root);
        }
    }

    private int report(ResultLog log, TopicTail status, List<String> ids, long lastKill, long t0, ChaosCluster cluster,
                       CloudLeftovers onCloud) throws IOException {
        Map<String, List<ResultLog.Seen>> byJob = log.all().stream().filter(s -> ids.contains(s.key()))
                .collect(Collectors.groupingBy(ResultLog.Seen::key, TreeMap::new, Collectors.toList()));
        List<String> lost = ids.stream().filter(id -> !byJob.containsKey(id)).toList();
        List<String> duplicated = byJob.entrySet().stream().filter(e -> e.getValue().size() > 1).map(Map.Entry::getKey).toList();
        Map<String, String> wrong = new TreeMap<>();
        byJob.forEach((id, seen) -> seen.stream().filter(s -> !"SUCCEEDED".equals(s.json().path("status").asText())).findFirst()
                .ifPresent(s -> wrong.put(id, s.json().path("status").asText() + ": " + s.json().path("reason").asText())));

        Map<String, Long> runs = Files.readAllLines(markers).stream().filter(l -> !l.isBlank())
                .collect(Collectors.groupingBy(Function.identity(), TreeMap::new, Collectors.counting()));
        Map<String, Long> twice = runs.entrySet().stream().filter(e -> e.getValue() > 1)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, TreeMap::new));
        long expectedLocalTasks = ids.stream().mapToInt(id -> {
            int i = Integer.parseInt(id.substring(6));
            return i % 4 >= 2 ? (i % 2 == 1 ? 2 : 1) : 0;
        }).sum();

        Path localJobs = cluster.data().resolve("local").resolve("jobs");
        List<String> leftovers = new ArrayList<>();
        if (Files.isDirectory(localJobs)) {
            try (Stream<Path> s = Files.list(localJobs)) {
                s.map(p -> p.getFileName().toString()).sorted().forEach(leftovers::add);
            }
        }
        List<String> orphans = new ArrayList<>(liveTaskProcesses(localJobs));
        orphans.addAll(onCloud.orphans());
        leftovers.addAll(onCloud.leftovers());

        // Longest time without a new result after the last kill, while jobs were still waiting for theirs.
        List<Long> after = byJob.values().stream().map(l -> l.get(0).nanos()).filter(t -> t > lastKill).sorted().toList();
        long gap = 0;
        long previous = lastKill;
        for (long t : after) {
            gap = Math.max(gap, t - previous);
            previous = t;
        }
        if (!lost.isEmpty()) {
            gap = Math.max(gap, System.nanoTime() - previous); // waited in vain until the end
        }
        double lastResult = byJob.values().stream().mapToLong(l -> l.get(0).nanos()).max().orElse(t0);

        System.out.println();
        System.out.printf("| chaos run | %s |%n|---|---|%n", Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        System.out.printf("| jobs / workers / kills | %d / %d / every %.0f s for %d s%s (%d worker starts) |%n",
                jobs, workerCount, interval, seconds, brokerKill ? ", broker once" : "", cluster.workerStarts());
        System.out.printf("| results | %d of %d jobs, the last %.0f s after the first request |%n", byJob.size(), jobs, (lastResult - t0) / 1e9);
        System.out.printf("| lost | %d |%n", lost.size());
        System.out.printf("| duplicated | %d |%n", duplicated.size());
        System.out.printf("| wrong state | %d |%n", wrong.size());
        System.out.printf("| tasks run twice | %d (of %d %s task runs, %d expected) |%n", twice.size(),
                runs.values().stream().mapToLong(Long::longValue).sum(), backend, expectedLocalTasks);
        System.out.printf("| orphans (task processes alive after the result%s) | %d |%n",
                backend.equals("local") ? "" : "; attempts still on " + backend, orphans.size());
        System.out.printf("| leftovers (local job folders not cleaned%s) | %d |%n",
                backend.equals("azure-batch") ? "; Batch jobs not deleted" : "", leftovers.size());
        System.out.printf("| longest gap without a result after the last kill | %.1f s |%n", gap / 1e9);
        if (storeOutage > 0 || apiOutage > 0) {
            System.out.printf("| records held while the %s away (by stage, from the workers' logs) | %s |%n",
                    storeOutage > 0 && apiOutage > 0 ? "store or the Batch API was" : storeOutage > 0 ? "store was" : "Batch API was",
                    Outage.heldByStage(root));
        }
        List<String> offSchema = new ArrayList<>(log.invalid());
        offSchema.addAll(status.invalid());
        System.out.printf("| results and status events off their schema | %d (of %d) |%n", offSchema.size(),
                log.all().size() + status.seen().size());
        if (!onCloud.calls().isEmpty()) {
            System.out.printf("| calls %s answered | %s |%n", backend, onCloud.calls().entrySet().stream()
                    .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")));
        }
        List<Map.Entry<String, Long>> slowest = byJob.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue().get(0).nanos() - sentAt[Integer.parseInt(e.getKey().substring(6))]))
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(5).toList();
        System.out.printf("| slowest request → result | %s |%n", slowest.stream()
                .map(e -> "%s %.1f s (sent at %.0f s)".formatted(e.getKey(), e.getValue() / 1e9,
                        (sentAt[Integer.parseInt(e.getKey().substring(6))] - t0) / 1e9))
                .collect(Collectors.joining(", ")));
        if (!slowest.isEmpty()) { // where the slowest one's time went: its status events as this process saw them
            String id = slowest.get(0).getKey();
            long sent = sentAt[Integer.parseInt(id.substring(6))];
            System.out.printf("  %s: %s%n", id, status.seen().stream().filter(e -> e.key().equals(id))
                    .map(e -> "+%.1f s %s %s%s".formatted((e.nanos() - sent) / 1e9, e.json().path("stage").asText(),
                            e.json().path("state").asText(), e.json().hasNonNull("taskId") ? " " + e.json().path("taskId").asText() : ""))
                    .collect(Collectors.joining(", ")));
        }
        details("lost", lost);
        details("duplicated", duplicated);
        details("wrong state", wrong.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).toList());
        details("run twice", twice.entrySet().stream().map(e -> e.getKey() + " ×" + e.getValue()).toList());
        details("orphans", orphans);
        details("leftovers", leftovers);
        details("off schema", offSchema);
        boolean clean = lost.isEmpty() && duplicated.isEmpty() && wrong.isEmpty() && twice.isEmpty() && orphans.isEmpty()
                && leftovers.isEmpty() && offSchema.isEmpty();
        if (!clean) {
            BenchDirs.keep(root);
        }
        System.out.println(BenchDirs.where(root));
        return clean ? 0 : 1;
    }

    private static void details(String what, List<String> items) {
        if (!items.isEmpty()) {
            System.out.printf("  %s: %s%s%n", what, String.join(", ", items.subList(0, Math.min(20, items.size()))),
                    items.size() > 20 ? " …" : "");
        }
    }

    /** Task processes (their command line names an attempt folder of this run) still alive. */
    private static List<String> liveTaskProcesses(Path localJobs) {
        String marker = localJobs.toString() + "/";
        List<String> out = new ArrayList<>();
        ProcessHandle.allProcesses().forEach(p -> {
            try {
                String cmdline = Files.readString(Path.of("/proc", String.valueOf(p.pid()), "cmdline"), StandardCharsets.UTF_8);
                int at = cmdline.indexOf(marker);
                if (at >= 0) {
                    String rest = cmdline.substring(at + marker.length());
                    out.add(p.pid() + ":" + rest.substring(0, Math.max(0, rest.indexOf('/'))));
                }
            } catch (IOException | RuntimeException e) {
                // gone meanwhile
            }
        });
        return out;
    }

    static void sleepUntil(long nanoTime) {
        long wait = nanoTime - System.nanoTime();
        if (wait > 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(wait);
        }
    }

    static KafkaProducer<String, String> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 300_000,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 120_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000),
                new StringSerializer(), new StringSerializer());
    }

    /** Every record of a topic, read_committed, with the time this process saw it. */
    static final class ResultLog implements AutoCloseable {
        record Seen(String key, String value, long nanos, Map<String, String> headers, int partition, long offset) {
            JsonNode json() {
                try {
                    return Json.MAPPER.readTree(value);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
        }

        private final TopicTail tail;

        ResultLog(String bootstrap) {
            this.tail = new TopicTail(bootstrap, "conveyor.results", "job-result");
        }

        List<Seen> all() {
            return tail.seen();
        }

        /** Results that did not match schemas/job-result.schema.json. */
        List<String> invalid() {
            return tail.invalid();
        }

        Map<String, Seen> firstByJob() {
            Map<String, Seen> out = new LinkedHashMap<>();
            for (Seen s : tail.seen()) {
                out.putIfAbsent(s.key(), s);
            }
            return out;
        }

        @Override
        public void close() {
            tail.close();
        }
    }
}
