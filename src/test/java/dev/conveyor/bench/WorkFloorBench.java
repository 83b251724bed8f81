package dev.conveyor.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.conveyor.compute.noop.NoopComputeBackend;
import dev.conveyor.engine.EngineSettings;
import dev.conveyor.engine.JobDriver;
import dev.conveyor.model.Json;
import dev.conveyor.model.JobSpec;
import dev.conveyor.model.events.JobStatusEvent;
import dev.conveyor.storage.JobKeys;
import dev.conveyor.storage.file.FileObjectStore;
import dev.conveyor.submission.JobNormalizer;
import dev.conveyor.submission.JsonSchemas;
import dev.conveyor.submission.RequestReader;
import dev.conveyor.submission.RequestValidator;
import dev.conveyor.testing.EngineRun;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;

/**
 * What a 1-task {@code noop} job costs in CPU with no Kafka and no SmallRye at all: the work any
 * implementation of the pipeline does per job, one thread, in a loop — read, validate and normalise
 * the request; store its accepted marker and spec; open the job, advance it to its end and store each
 * run-state version (the engine on the noop backend, the file store); store the result; encode and decode
 * 13 event-sized JSON records (a job's six stage events and seven status events). The floor under any
 * engine, batched or not; compare it with the CPU budget per job {@code bench/run.sh ratio} prints.
 * Run by {@code bench/run.sh floor [JOBS] [ROUNDS]}; not a test.
 */
public final class WorkFloorBench {
    private static final int EVENTS = 13;

    /** CPU per job, in ms, of each part of a job's own work, and in all. */
    record Floor(int jobs, int rounds, double request, double engineAndStore, double json) {
        double all() {
            return request + engineAndStore + json;
        }

        /** The last line {@link #main} prints, for a bench that runs it in a JVM of its own. */
        String line() {
            return String.format(java.util.Locale.ROOT, "floor %d %d %.6f %.6f %.6f", jobs, rounds, request, engineAndStore, json);
        }

        static Floor parse(String output) {
            String[] lines = output.strip().split("\n");
            String[] f = lines[lines.length - 1].trim().split(" ");
            if (f.length != 6 || !f[0].equals("floor")) {
                throw new IllegalStateException("not the floor bench's output:\n" + output);
            }
            return new Floor(Integer.parseInt(f[1]), Integer.parseInt(f[2]), Double.parseDouble(f[3]), Double.parseDouble(f[4]),
                    Double.parseDouble(f[5]));
        }
    }

    public static void main(String[] args) throws Exception {
        int jobs = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Floor f = measure(jobs, rounds);
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.printf("a 1-task noop job's own work, no Kafka, one thread (the cheapest of %d rounds of %d jobs, after one warm-up round):%n", rounds, jobs);
        System.out.printf("  read + validate + normalise the request   %.3f ms CPU%n", f.request());
        System.out.printf("  accepted marker, spec, engine to the end (run-state versions), result   %.3f ms CPU%n", f.engineAndStore());
        System.out.printf("  %d event-sized JSON records written and read back   %.3f ms CPU%n", EVENTS, f.json());
        System.out.printf("  in all   %.3f ms CPU per job: at most %.0f jobs/s on %d cores if moving the records cost nothing%n",
                f.all(), 1000.0 * cores / f.all(), cores);
        System.out.println(f.line());
        // the engine's retry policies run on standalone SmallRye Fault Tolerance, whose timer thread would hold the JVM
        io.smallrye.faulttolerance.standalone.StandaloneFaultTolerance.shutdown();
    }

    private static long sum(long[] parts) {
        return java.util.Arrays.stream(parts).sum();
    }

    /**
     * Measures {@code rounds} rounds of {@code jobs} jobs after one warm-up round, in a folder of its own (deleted
     * after), and returns the cheapest round's CPU per job.
     */
    private static Floor measure(int jobs, int rounds) throws Exception {
        Path root = Files.createTempDirectory(BenchDirs.base(), "conveyor-floor-"); // where the benches work: see BenchDirs
        try {
            RequestReader reader = new RequestReader();
            RequestValidator validator = new RequestValidator(new JsonSchemas(), 100_000);
            JobNormalizer normalizer = new JobNormalizer();
            FileObjectStore store = new FileObjectStore(root.resolve("store"));
            EngineRun engine = new EngineRun(new NoopComputeBackend(), store, EngineSettings.DEFAULT);
            ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
            long[] parts = null; // the cheapest round's: a floor, and this machine's noise only ever adds
            for (int round = 0; round <= rounds; round++) { // round 0 warms up
                long[] spent = new long[3];
                for (int i = 0; i < jobs; i++) {
                    String id = "floor-" + round + "-" + i;
                    long t0 = cpu.getCurrentThreadCpuTime();
                    JsonNode tree = reader.read(RatioBench.request(id).getBytes(StandardCharsets.UTF_8));
                    if (!validator.validate(tree, Set.of("local", "noop")).isEmpty()) {
                        throw new IllegalStateException("the benchmark request is invalid");
                    }
                    JobSpec spec = normalizer.normalize(tree, Instant.now(), () -> id);
                    long t1 = cpu.getCurrentThreadCpuTime();
                    store.putIfAbsent(JobKeys.accepted(id), new byte[0]);
                    store.putIfAbsent(JobKeys.spec(spec.id()), Json.bytes(spec));
                    JobDriver d = engine.open(spec);
                    for (int turn = 0; turn < 20 && !d.state().ended(); turn++) {
                        engine.turn(d, null);
                    }
                    if (!d.state().ended()) {
                        throw new IllegalStateException("job " + id + " did not end in 20 turns");
                    }
                    store.putIfAbsent(JobKeys.result(spec.id()), Json.bytes(d.state()));
                    long t2 = cpu.getCurrentThreadCpuTime();
                    for (int e = 0; e < EVENTS; e++) {
                        String json = Json.write(JobStatusEvent.job(spec.id(), "collection", "SUCCEEDED", "1 task ended"));
                        if (!Json.read(json, JobStatusEvent.class).jobId().equals(spec.id())) {
                            throw new IllegalStateException("a record did not read back");
                        }
                    }
                    long t3 = cpu.getCurrentThreadCpuTime();
                    spent[0] += t1 - t0;
                    spent[1] += t2 - t1;
                    spent[2] += t3 - t2;
                }
                if (round > 0 && (parts == null || sum(spent) < sum(parts))) {
                    parts = spent;
                }
            }
            return new Floor(jobs, rounds, parts[0] / 1e6 / jobs, parts[1] / 1e6 / jobs, parts[2] / 1e6 / jobs);
        } finally {
            dev.conveyor.emulator.OwnedFiles.deleteQuietly(root);
        }
    }
}
