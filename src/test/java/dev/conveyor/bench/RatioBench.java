package dev.conveyor.bench;

import dev.conveyor.emulator.s3.S3Emulator;
import dev.conveyor.emulator.s3.S3EmulatorOptions;
import dev.conveyor.kafka.EmbeddedKafka;
import dev.conveyor.model.Json;
import dev.conveyor.testing.ServiceProcess;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * The yardstick, side by side on one broker in one run: a plain kafka-clients chain of five
 * consume → produce hops (acks=all, offsets committed after the outputs are acknowledged: the
 * guarantee a stage gives) against the pipeline (the packaged service, all five stages, 1-task
 * {@code noop} jobs) — and between them {@link ContractChain}, the records a job is moved by plain clients
 * (the ceiling of any implementation of the event contract). Prints burst throughput, p50/p99 latency at a light fixed rate, the service's
 * peak RSS and heap, and the ratios. Run by {@code bench/run.sh ratio [JOBS] [RATE] [SECONDS]}.
 */
public final class RatioBench {
    static final int PARTITIONS = 6;

    public static void main(String[] args) throws Exception {
        int burst = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int rate = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        String serviceOpts = System.getProperty("bench.service.opts", "");
        Path root = BenchDirs.create("conveyor-ratio-");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(root.resolve("kafka"), 0)) {
            String sample = request("sample-000000");
            Result chainBurst;
            Result chainRate;
            try (PlainChain chain = new PlainChain(kafka.bootstrapServers(), sample.length())) {
                chain.warmUp(burst * 10);
                settle(ProcessHandle.current());
                chainBurst = chain.burst(burst * 10);
                settle(ProcessHandle.current());
                chain.atRate("w-", rate, seconds);
                settle(ProcessHandle.current());
                chainRate = chain.atRate("r-", rate, seconds);
            }
            // the event contract's records with nothing else: the ceiling of any implementation of it here
            Result contractBurst;
            Result contractRate;
            double contractCpuPerJob;
            try (ContractChain contract = new ContractChain(kafka.bootstrapServers(), sample.length())) {
                contract.warmUp(burst);
                settle(ProcessHandle.current());
                long cpu = cpuNanos(ProcessHandle.current());
                contractBurst = contract.burst(burst);
                contractCpuPerJob = (cpuNanos(ProcessHandle.current()) - cpu) / 1e6 / burst;
                settle(ProcessHandle.current());
                contract.atRate("w-", rate, seconds);
                settle(ProcessHandle.current());
                contractRate = contract.atRate("r-", rate, seconds);
            }
            // -Dbench.store=s3: the service keeps specs, run state and results in a bucket of an S3 server
            // (S3Proxy, SigV4, in this JVM) instead of a folder, as a deployment on S3 does
            // (-Dbench.store.latency-ms=N: each of its calls answered N ms later, as across a network)
            S3Emulator s3 = "s3".equals(System.getProperty("bench.store", "file"))
                    ? S3Emulator.start(S3EmulatorOptions.defaults().withDataDir(root.resolve("s3"))
                            .withLatency(Duration.ofMillis(Integer.getInteger("bench.store.latency-ms", 0))))
                    : null;
            int httpPort = ChaosCluster.freePort();
            Process service = startService(kafka.bootstrapServers(), root, httpPort,
                    s3 == null ? Map.of() : s3.storageProperties("bench", "bench"));
            Result pipeBurst;
            Result pipeRate;
            String rss;
            String heap;
            String answers;
            String storeCalls;
            double serviceCpuPerJob;
            double benchCpuPerJob;
            try (Pipeline pipeline = pipelineOf(kafka.bootstrapServers(), service)) {
                pipeline.warmUp(burst);
                settle(service.toHandle());
                String jfr = System.getProperty("bench.jfr", "");
                if (!jfr.isBlank()) {
                    // -Dbench.jfr.settings=<a .jfc> samples differently (e.g. every 1 ms instead of profile's 10)
                    jcmd(service.pid(), "JFR.start", "settings=" + System.getProperty("bench.jfr.settings", "profile"),
                            "filename=" + jfr);
                }
                long serviceCpu = cpuNanos(service.toHandle());
                long benchCpu = cpuNanos(ProcessHandle.current());
                Map<String, long[]> threadsBefore = Threads.ticks(service.pid());
                pipeBurst = pipeline.burst(burst);
                if (Boolean.getBoolean("bench.threads")) {
                    Threads.print(threadsBefore, Threads.ticks(service.pid()), burst);
                }
                serviceCpuPerJob = (cpuNanos(service.toHandle()) - serviceCpu) / 1e6 / burst;
                benchCpuPerJob = (cpuNanos(ProcessHandle.current()) - benchCpu) / 1e6 / burst;
                if (!jfr.isBlank()) {
                    jcmd(service.pid(), "JFR.stop");
                }
                settle(service.toHandle());
                CpuSeries series = Boolean.getBoolean("bench.cpu-series") ? CpuSeries.start(service.toHandle()) : null;
                pipeline.atRate("w-", rate, seconds);
                settle(service.toHandle());
                pipeRate = pipeline.atRate("r-", rate, seconds);
                if (series != null) {
                    series.close();
                }
                HopTimes.print(kafka.bootstrapServers(), "r-");
                answers = pipeline.duplicates() + " duplicate(s), " + pipeline.unexpected() + " not SUCCEEDED";
                storeCalls = StoreCalls.perJob(httpPort);
                rss = Memory.peakRss(service.pid());
                heap = Memory.heap(service.pid());
            } finally {
                if (!service.isAlive()) {
                    BenchDirs.keep(root); // its service.log says why it exited
                    System.out.println("the service exited (code " + service.exitValue() + "); its log: " + root.resolve("service.log"));
                }
                service.destroy();
                service.waitFor();
            }
            // a job's own work with no Kafka (the engine, the store, the JSON), after the service is gone
            WorkFloorBench.Floor floor = floor(burst, Integer.getInteger("bench.floor.rounds", 3));
            System.out.println();
            System.out.printf("| | plain 5-hop chain | a job's 13 records, Kafka alone | Conveyor (noop) | Conveyor / chain | Kafka alone / chain |%n");
            System.out.printf("|---|---|---|---|---|---|%n");
            System.out.printf("| burst throughput | %.0f records/s (%d records) | %.0f jobs/s (%d jobs) | %.0f jobs/s (%d jobs) | **%.1f %%** | %.1f %% |%n",
                    chainBurst.perSecond(), chainBurst.count(), contractBurst.perSecond(), contractBurst.count(),
                    pipeBurst.perSecond(), pipeBurst.count(), 100 * pipeBurst.perSecond() / chainBurst.perSecond(),
                    100 * contractBurst.perSecond() / chainBurst.perSecond());
            System.out.printf("| latency at %d/s, p50 | %.0f ms | %.0f ms | %.0f ms | **%.1f×** | %.1f× |%n", rate, chainRate.p50(),
                    contractRate.p50(), pipeRate.p50(), pipeRate.p50() / chainRate.p50(), contractRate.p50() / chainRate.p50());
            System.out.printf("| latency at %d/s, p99 | %.0f ms | %.0f ms | %.0f ms | **%.1f×** | %.1f× |%n", rate, chainRate.p99(),
                    contractRate.p99(), pipeRate.p99(), pipeRate.p99() / chainRate.p99(), contractRate.p99() / chainRate.p99());
            System.out.printf("| `serve` peak RSS / heap used | — | — | %s / %s | | |%n", rss, heap);
            System.out.printf("(burst CPU per job: service %.2f ms, broker + load generator %.2f ms; before each burst a warm-up of the same size, before the rate phase one of the same rate and length; each phase starts once the process under test has settled)%n",
                    serviceCpuPerJob, benchCpuPerJob);
            if (s3 != null) {
                s3.close();
            }
            System.out.printf("(service JVM options: %s; store: %s; pipeline answers in all four phases: %s)%n",
                    serviceOpts.isBlank() ? "default" : serviceOpts,
                    s3 == null ? "a folder" : "an S3 bucket (S3Proxy in the bench's JVM, " + s3.latency().toMillis() + " ms added per call)", answers);
            System.out.printf("(object store calls per job, every phase: %s)%n", storeCalls);
            System.out.printf("(a job's 13 records, Kafka alone: %.2f ms of CPU per job for broker, hops and load generator; the pipeline is %.1f %% of that)%n",
                    contractCpuPerJob, 100 * pipeBurst.perSecond() / contractBurst.perSecond());
            // what the 25 % target asks of a job, in the CPU this machine has
            int cores = Runtime.getRuntime().availableProcessors();
            double targetJobs = 0.25 * chainBurst.perSecond();
            double budget = 1000.0 * cores / targetJobs;
            System.out.printf("(25 %% of the chain is %.0f jobs/s: at most %.2f ms of CPU per job for service, broker and load generator together on %d cores; this run: %.2f ms)%n",
                    targetJobs, budget, cores, serviceCpuPerJob + benchCpuPerJob);
            System.out.printf("(a job's records alone take %.2f ms of that, leaving %.2f ms per job for everything Conveyor does with them; the service used %.2f ms)%n",
                    contractCpuPerJob, budget - contractCpuPerJob, serviceCpuPerJob);
            // the ceiling of any implementation here: a job's own work plus its records moved by plain clients
            double ceiling = 1000.0 * cores / (floor.all() + contractCpuPerJob);
            System.out.printf("(a job's own work with no Kafka at all, one thread: %.2f ms of CPU (the cheapest of %d rounds of %d jobs, as `bench/run.sh floor`); "
                            + "with its records' %.2f ms, no implementation of the event contract does a job here in under %.2f ms: at most %.0f jobs/s = **%.1f %% of the chain**)%n",
                    floor.all(), floor.rounds(), floor.jobs(), contractCpuPerJob, floor.all() + contractCpuPerJob, ceiling,
                    100 * ceiling / chainBurst.perSecond());
            // issue 13's targets, each against this run's own yardstick
            double share = 100 * pipeBurst.perSecond() / chainBurst.perSecond();
            double p50 = pipeRate.p50() / chainRate.p50();
            double p99 = pipeRate.p99() / chainRate.p99();
            System.out.printf("targets: burst >= 25 %% of the chain: %s (%.1f %%; %.0f %% of the ceiling); p50 <= 3x: %s (%.1fx); p99 <= 3x: %s (%.1fx)%n",
                    share >= 25 ? "met" : "not met", share, 100 * pipeBurst.perSecond() / ceiling,
                    p50 <= 3 ? "met" : "not met", p50, p99 <= 3 ? "met" : "not met", p99);
        }
    }

    /** {@code key:} then {@code fill} up to {@code size} characters: a record of a set size that names its key. */
    static String padded(String key, char fill, int size) {
        return (key + ":" + String.valueOf(fill).repeat(size)).substring(0, size);
    }

    /** Tells the threads of a chain to stop and waits for them (5 s each at most). */
    static void stop(AtomicBoolean running, List<Thread> threads) {
        running.set(false);
        threads.forEach(t -> {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    record Result(int count, double perSecond, double p50, double p99) {
        static Result of(List<Long> latenciesNanos, long elapsedNanos) {
            long[] l = latenciesNanos.stream().mapToLong(Long::longValue).sorted().toArray();
            int n = l.length;
            return new Result(n, n / (elapsedNanos / 1e9), l[n / 2] / 1e6, l[Math.min(n - 1, (int) (n * 0.99))] / 1e6);
        }
    }

    static String request(String id) {
        return Json.write(Map.of("id", id, "runsOn", Map.of("type", "noop"),
                "tasks", List.of(Map.of("id", "t", "command", "true"))));
    }

    /**
     * Waits until {@code process} uses under a fifth of a core over a second (at most 60 s): a phase
     * measures the work it sends, not the JIT compiling or the backlog of the phase before it.
     */
    static void settle(ProcessHandle process) {
        long[] last = {cpuNanos(process)};
        try {
            org.awaitility.Awaitility.await().pollDelay(Duration.ofSeconds(1)).pollInterval(Duration.ofSeconds(1))
                    .atMost(Duration.ofSeconds(60)).until(() -> {
                        long now = cpuNanos(process);
                        long used = now - last[0];
                        last[0] = now;
                        return used < 200_000_000L;
                    });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            System.out.println("(the process did not settle within 60 s; measuring anyway)");
        }
    }

    static long cpuNanos(ProcessHandle process) {
        return process.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }

    /** Runs this JDK's {@code jcmd} against {@code pid} and returns what it printed. */
    static String jcmd(long pid, String... command) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(pid)));
        cmd.addAll(List.of(command));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return out;
    }

    /**
     * {@link WorkFloorBench} in a JVM of its own, as {@code bench/run.sh floor} runs it: in this one the
     * broker's and the chains' code share the JIT with it and it measured 3-4 times its own cost.
     */
    private static WorkFloorBench.Floor floor(int jobs, int rounds) throws Exception {
        Process p = new ProcessBuilder(ServiceProcess.java(),
                "-Djava.util.logging.manager=org.jboss.logmanager.LogManager", "-Dbench.dir=" + BenchDirs.base(),
                "-cp", System.getProperty("java.class.path"),
                WorkFloorBench.class.getName(), Integer.toString(jobs), Integer.toString(rounds))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("the floor bench failed:\n" + out);
        }
        return WorkFloorBench.Floor.parse(out);
    }

    /** What {@code -Dbench.service.opts} adds to the JVM options of every service process a bench starts (split on spaces). */
    static List<String> serviceOpts() {
        String opts = System.getProperty("bench.service.opts", "").trim();
        return opts.isEmpty() ? List.of() : List.of(opts.split("\\s+"));
    }

    private static Process startService(String bootstrap, Path root, int httpPort, Map<String, String> properties) throws Exception {
        List<String> options = new ArrayList<>(List.of("-Dquarkus.http.port=" + httpPort));
        properties.forEach((k, v) -> options.add("-D" + k + "=" + v));
        options.addAll(serviceOpts());
        // -Dbench.service.jar=<another build's quarkus-run.jar> compares two builds against the same chain
        List<String> cmd = new ArrayList<>(ServiceProcess.appJar(options,
                System.getProperty("bench.service.jar", ServiceProcess.jar())));
        cmd.addAll(List.of("serve",
                "--bootstrap-servers", bootstrap, "--data-dir", root.resolve("data").toString()));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(root.resolve("service.log").toFile()).start();
    }

    /**
     * The load generator and results tail for {@code service}, watching it, once the service has made its
     * topics (it does as it starts) — failing at once if it exits first (a setting it refused) instead of
     * the results tail waiting two minutes for a topic.
     */
    private static Pipeline pipelineOf(String bootstrap, Process service) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            org.awaitility.Awaitility.await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        if (!service.isAlive()) {
                            throw new IllegalStateException("the service exited before it made its topics");
                        }
                        return admin.listTopics().names().get().contains("conveyor.results");
                    });
        }
        Pipeline pipeline = new Pipeline(bootstrap);
        pipeline.watch(service);
        return pipeline;
    }

    static KafkaProducer<String, String> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5), new StringSerializer(), new StringSerializer());
    }

    static KafkaConsumer<String, String> tail(String bootstrap, String topic, boolean committed) {
        KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, committed ? "read_committed" : "read_uncommitted",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"), new StringDeserializer(), new StringDeserializer());
        List<TopicPartition> parts = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (parts.isEmpty()) {
            if (System.nanoTime() > deadline) {
                c.close();
                throw new IllegalStateException("topic " + topic + " has no partitions after 2 minutes: did the service start?");
            }
            c.partitionsFor(topic).forEach(p -> parts.add(new TopicPartition(topic, p.partition())));
        }
        c.assign(parts);
        c.seekToEnd(parts);
        parts.forEach(c::position);
        return c;
    }

    /**
     * Waits for sends already flushed and fails on one the broker did not take: no record of a chain or
     * of the load generator is lost without a word (the phase would otherwise wait out its time limit).
     */
    static void acknowledged(List<Future<RecordMetadata>> sends, String who) {
        try {
            for (Future<RecordMetadata> f : sends) {
                f.get();
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException(who + ": a send failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(who + ": interrupted", e);
        }
        sends.clear();
    }

    /**
     * Per consumer group (→ the topic it reads), how many of the records in its topic it has not committed
     * yet: where the records a phase still waits for are.
     */
    static String backlog(String bootstrap, Map<String, String> groups) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            StringBuilder out = new StringBuilder();
            for (Map.Entry<String, String> g : groups.entrySet()) {
                out.append(String.format("%n  %-22s %-22s %d offsets not committed", g.getKey(), g.getValue(),
                        StageLagProbe.lag(admin, g.getKey(), g.getValue())));
            }
            return out.toString();
        } catch (Exception e) {
            return " (the backlog could not be read: " + e + ")";
        }
    }

    /** {@code group0 → topic0 … group4 → topic4}: a five-hop chain's groups and the topics they read. */
    static Map<String, String> hopGroups(String group, String topic) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        IntStream.range(0, 5).forEach(i -> out.put(group + i, topic + i));
        return out;
    }

    /** Publishes records (burst or at a rate) to {@code in} and times each until its key shows up at the sink. */
    abstract static class Measured implements AutoCloseable {
        final KafkaProducer<String, String> producer;
        final KafkaConsumer<String, String> sink;
        final String in;
        /** Keys answered in this object's phases: a second answer to one is a duplicate. */
        private final java.util.Set<String> answered = ConcurrentHashMap.newKeySet();
        private int duplicates;
        private int unexpected;
        /** A hop of a chain that died: the phase ends at once with it instead of waiting for records that will not come. */
        private volatile Throwable failure;
        /** The service processes under test: a phase fails at once when one of them exits. */
        private final List<ProcessHandle> watched = new java.util.concurrent.CopyOnWriteArrayList<>();
        final String bootstrap;

        Measured(String bootstrap, String in, String out, boolean committed) {
            this.bootstrap = bootstrap;
            this.producer = producer(bootstrap);
            this.sink = tail(bootstrap, out, committed);
            this.in = in;
        }

        abstract String value(String key);

        /** The consumer groups between {@code in} and the sink, each with the topic it reads (for {@link #backlog}). */
        abstract Map<String, String> groups();

        /** Starts a chain's hop; if it dies, the phase under way fails with its cause. */
        Thread worker(String name, Runnable body) {
            Thread t = new Thread(() -> {
                try {
                    body.run();
                } catch (Throwable e) {
                    failure = e;
                    System.err.println(name + " died: " + e);
                }
            }, name);
            t.start();
            return t;
        }

        /** Fails the phase under way as soon as {@code service} exits (a service that did not start, or died). */
        void watch(Process service) {
            watched.add(service.toHandle());
        }

        /** Whether an answer is the one expected (the chain passes records on unchanged: always). */
        boolean expected(String answer) {
            return true;
        }

        /** Answers to a key already answered, so far. */
        int duplicates() {
            return duplicates;
        }

        /** First answers that were not the expected one, so far. */
        int unexpected() {
            return unexpected;
        }

        void warmUp(int n) {
            burst(Math.max(20, n));
        }

        Result burst(int n) {
            Map<String, Long> sent = new ConcurrentHashMap<>();
            List<Long> lat = new ArrayList<>();
            String run = Long.toString(System.nanoTime(), 36);
            long start = System.nanoTime();
            List<Future<RecordMetadata>> sends = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                String key = "b-" + run + "-" + i;
                sent.put(key, System.nanoTime());
                sends.add(producer.send(new ProducerRecord<>(in, key, value(key))));
            }
            producer.flush();
            acknowledged(sends, "the load generator");
            collect(sent, lat, n, Duration.ofMinutes(10));
            return Result.of(lat, System.nanoTime() - start);
        }

        /** Publishes at a fixed rate, keys {@code prefix + run + i}; {@code "r-"} marks the measured phase for {@link HopTimes}. */
        Result atRate(String prefix, int perSecond, int seconds) {
            Map<String, Long> sent = new ConcurrentHashMap<>();
            List<Long> lat = new ArrayList<>();
            String run = Long.toString(System.nanoTime(), 36);
            int n = perSecond * seconds;
            long start = System.nanoTime();
            long gap = 1_000_000_000L / perSecond;
            int i = 0;
            List<Future<RecordMetadata>> sends = new ArrayList<>(n);
            while (i < n) {
                long due = start + i * gap;
                if (System.nanoTime() >= due) {
                    String key = prefix + run + "-" + i++;
                    sent.put(key, System.nanoTime());
                    sends.add(producer.send(new ProducerRecord<>(in, key, value(key))));
                }
                drain(sent, lat, Duration.ofMillis(1));
            }
            producer.flush();
            acknowledged(sends, "the load generator");
            collect(sent, lat, n, Duration.ofMinutes(5));
            return Result.of(lat, System.nanoTime() - start);
        }

        private void collect(Map<String, Long> sent, List<Long> lat, int n, Duration atMost) {
            long deadline = System.nanoTime() + atMost.toNanos();
            while (lat.size() < n && System.nanoTime() < deadline) {
                if (failure != null) {
                    throw new IllegalStateException("only " + lat.size() + " of " + n + " arrived: a hop died", failure);
                }
                for (ProcessHandle p : watched) {
                    if (!p.isAlive()) {
                        throw new IllegalStateException("only " + lat.size() + " of " + n + " arrived: service process "
                                + p.pid() + " exited: its log says why");
                    }
                }
                drain(sent, lat, Duration.ofMillis(50));
            }
            if (lat.size() < n) {
                throw new IllegalStateException("only " + lat.size() + " of " + n + " arrived within " + atMost
                        + "; where the rest are:" + backlog(bootstrap, groups()));
            }
        }

        private void drain(Map<String, Long> sent, List<Long> lat, Duration wait) {
            ConsumerRecords<String, String> rs = sink.poll(wait);
            long now = System.nanoTime();
            for (ConsumerRecord<String, String> r : rs) {
                Long at = sent.remove(r.key());
                if (at != null) {
                    lat.add(now - at);
                    answered.add(r.key());
                    if (!expected(r.value())) {
                        unexpected++;
                    }
                } else if (answered.contains(r.key())) {
                    duplicates++;
                }
            }
        }

        @Override
        public void close() {
            producer.close();
            sink.close();
        }
    }

    /** The pipeline: requests in, results out (read_committed). */
    static final class Pipeline extends Measured {
        /** Each stage's consumer group, in order, with the topic it reads. */
        static final Map<String, String> GROUPS = groups("conveyor-submission", "conveyor.requests",
                "conveyor-staging", "conveyor.submitted", "conveyor-dispatch", "conveyor.staged",
                "conveyor-monitoring", "conveyor.dispatched", "conveyor-collection", "conveyor.completed");

        Pipeline(String bootstrap) {
            super(bootstrap, "conveyor.requests", "conveyor.results", true);
        }

        private static Map<String, String> groups(String... groupThenTopic) {
            Map<String, String> out = new java.util.LinkedHashMap<>();
            for (int i = 0; i < groupThenTopic.length; i += 2) {
                out.put(groupThenTopic[i], groupThenTopic[i + 1]);
            }
            return java.util.Collections.unmodifiableMap(out);
        }

        @Override
        Map<String, String> groups() {
            return GROUPS;
        }

        @Override
        String value(String key) {
            return request(key);
        }

        /** A 1-task noop job succeeds. */
        @Override
        boolean expected(String answer) {
            return "SUCCEEDED".equals(Json.read(answer, com.fasterxml.jackson.databind.JsonNode.class).path("status").asText());
        }
    }

    /** Five plain hops: consume, produce (acks=all), commit after the outputs are acknowledged. */
    static final class PlainChain extends Measured {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final List<Thread> hops = new ArrayList<>();
        private final int size;

        PlainChain(String bootstrap, int size) throws Exception {
            super(bootstrap, createTopics(bootstrap), "chain-5", false);
            this.size = size;
            for (int i = 0; i < 5; i++) {
                int hop = i;
                hops.add(worker("hop-" + i, () -> hop(bootstrap, hop)));
            }
        }

        private static String createTopics(String bootstrap) throws Exception {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                admin.createTopics(IntStream.rangeClosed(0, 5).mapToObj(i -> new NewTopic("chain-" + i, PARTITIONS, (short) 1))
                        .toList()).all().get();
            }
            return "chain-0";
        }

        @Override
        String value(String key) {
            return padded(key, 'x', size);
        }

        @Override
        Map<String, String> groups() {
            return hopGroups("hop-", "chain-");
        }

        private void hop(String bootstrap, int i) {
            try (KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ConsumerConfig.GROUP_ID_CONFIG, "hop-" + i, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"), new StringDeserializer(), new StringDeserializer());
                 KafkaProducer<String, String> p = producer(bootstrap)) {
                c.subscribe(List.of("chain-" + i));
                List<Future<RecordMetadata>> sends = new ArrayList<>();
                while (running.get()) {
                    ConsumerRecords<String, String> rs = c.poll(Duration.ofMillis(100));
                    if (rs.isEmpty()) {
                        continue;
                    }
                    for (ConsumerRecord<String, String> r : rs) {
                        sends.add(p.send(new ProducerRecord<>("chain-" + (i + 1), r.key(), r.value())));
                    }
                    p.flush();
                    acknowledged(sends, "hop-" + i);
                    c.commitSync();
                }
            }
        }

        @Override
        public void close() {
            stop(running, hops);
            super.close();
        }
    }

    /**
     * The service's object store calls per finished job, by operation, from its own metrics
     * ({@code conveyor_store_calls_total} over {@code conveyor_jobs_completed_total}): each one a
     * round trip on S3 or Blob.
     */
    static final class StoreCalls {
        private static final Pattern CALLS = Pattern.compile(
                "^conveyor_store_calls_total\\{([^}]*)\\} (\\S+)$", Pattern.MULTILINE);
        private static final Pattern JOBS = Pattern.compile(
                "^conveyor_jobs_completed_total\\{[^}]*\\} (\\S+)$", Pattern.MULTILINE);
        private static final Pattern OPERATION = Pattern.compile("operation=\"([^\"]+)\"");

        static String perJob(int httpPort) {
            String metrics;
            try {
                HttpResponse<String> r = HttpClient.newHttpClient().send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/q/metrics"))
                                .timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.ofString());
                metrics = r.body();
            } catch (Exception e) {
                return "not read (" + e + ")";
            }
            double jobs = 0;
            Matcher j = JOBS.matcher(metrics);
            while (j.find()) {
                jobs += Double.parseDouble(j.group(1));
            }
            Map<String, Double> calls = new TreeMap<>();
            Matcher m = CALLS.matcher(metrics);
            while (m.find()) {
                Matcher op = OPERATION.matcher(m.group(1));
                calls.merge(op.find() ? op.group(1) : "?", Double.parseDouble(m.group(2)), Double::sum);
            }
            if (jobs == 0) {
                return "no finished job counted";
            }
            double all = calls.values().stream().mapToDouble(Double::doubleValue).sum();
            StringBuilder out = new StringBuilder(String.format("%.1f", all / jobs));
            String sep = " (";
            for (Map.Entry<String, Double> e : calls.entrySet()) {
                out.append(sep).append(e.getKey()).append(' ').append(String.format("%.1f", e.getValue() / jobs));
                sep = ", ";
            }
            return out.append(") over ").append(String.format("%.0f", jobs)).append(" jobs").toString();
        }
    }

    /** What the service process holds: peak RSS from /proc, heap from jcmd. */
    static final class Memory {
        static String peakRss(long pid) {
            try {
                return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream().filter(l -> l.startsWith("VmHWM"))
                        .map(l -> l.replaceAll("\\s+", " ").substring(7).trim()).findFirst().orElse("unknown");
            } catch (Exception e) {
                return "unknown";
            }
        }

        static String heap(long pid) {
            try {
                String out = jcmd(pid, "GC.heap_info");
                var m = Pattern.compile("total (\\d+)K, used (\\d+)K").matcher(out);
                return m.find() ? (Long.parseLong(m.group(2)) / 1024) + " MiB used of " + (Long.parseLong(m.group(1)) / 1024) + " MiB"
                        : "unknown";
            } catch (Exception e) {
                return "unknown";
            }
        }
    }
}
