package dev.conveyor.bench;

import dev.conveyor.kafka.EmbeddedKafka;
import dev.conveyor.testing.ServiceProcess;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Scale-out shown, not claimed: the same burst of 1-task {@code noop} jobs against one service
 * process, then against two sharing the consumer groups (and the data folder), then against five
 * processes running one stage each — one broker, one run — with every job's answer counted (exactly
 * one result each, SUCCEEDED). Run by {@code bench/run.sh scale [JOBS] [CORES]}; not a test.
 *
 * <p>On a machine of two cores, a second process takes its CPU from the first and from the broker,
 * so the factor would show the machine, not the design. With {@code CORES} (default 0.5) each
 * service process of the first two rows runs under a CPU quota of that many cores ({@link CpuQuota})
 * standing in for a machine of its own; the broker and the load generator are not limited. Where no
 * quota can be set, the run says so and the processes share the cores. The single-stage processes
 * are not limited unless {@code -Dbench.split.cores} says so: that row shows the split works, not its
 * speed ({@code -Dbench.split} groups the stages differently).
 *
 * <p>Every service process runs without the web view ({@code conveyor.ui.enabled=false}), as the stage
 * pods of {@code k8s/} and {@code docker/} do: a process with the web view reads the whole status
 * topic, so five of them would read it five times. {@code -Dbench.service.opts="-D… -D…"} adds JVM
 * options to every service process (e.g. {@code -Dconveyor.ui.enabled=true}, the shape before).
 * {@code -Dbench.rows=split} runs only the last configuration; {@code -Dbench.threads=true} prints every
 * configuration's processes' CPU per job by thread.
 */
public final class ScaleOutBench {

    /**
     * How the last run splits the stages among processes: {@code -Dbench.split=a,b/c,d,e} (processes
     * separated by {@code /}), default one process per stage; {@code -Dbench.split.cores=} a quota for
     * each of them (default none).
     */
    private static final String SPLIT = System.getProperty("bench.split", "submission/staging/dispatch/monitoring/collection");
    private static final double SPLIT_CORES = Double.parseDouble(System.getProperty("bench.split.cores", "0"));
    /** {@code -Dbench.rows=split}: only the last configuration. */
    private static final boolean SPLIT_ONLY = System.getProperty("bench.rows", "all").equals("split");
    /** JVM options for every service process, after the bench's own (so they can override them). */
    private static final String SERVICE_OPTS = System.getProperty("bench.service.opts", "");

    public static void main(String[] args) throws Exception {
        int burst = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        double cores = args.length > 1 ? Double.parseDouble(args[1]) : 0.5;
        Path root = BenchDirs.create("conveyor-scale-");
        String capped = quotaAvailable(cores);
        try (EmbeddedKafka kafka = EmbeddedKafka.start(root.resolve("kafka"), 0)) {
            String bootstrap = kafka.bootstrapServers();
            Row one = SPLIT_ONLY ? null : run(bootstrap, root.resolve("one"), java.util.Collections.nCopies(1, List.<String>of()), capped == null ? cores : 0, burst);
            Row two = SPLIT_ONLY ? null : run(bootstrap, root.resolve("two"), java.util.Collections.nCopies(2, List.<String>of()), capped == null ? cores : 0, burst);
            List<List<String>> processes = java.util.Arrays.stream(SPLIT.split("/")).map(p -> List.of(p.split(","))).toList();
            Row split = run(bootstrap, root.resolve("split"), processes, capped == null ? SPLIT_CORES : 0, burst);
            System.out.println();
            System.out.printf("| processes | CPU per service process | burst throughput | p50 | p99 | burst results; duplicates, not SUCCEEDED (warm-up + burst) | time waiting for the quota | cores used: services / broker + load generator | service CPU per job |%n");
            System.out.printf("|---|---|---|---|---|---|---|---|---|%n");
            if (!SPLIT_ONLY) {
                one.print("1 (all stages)");
                two.print("2 (all stages each)");
            }
            split.print(processes.size() + " (" + SPLIT.replace("/", " / ") + ")");
            if (!SPLIT_ONLY) {
                System.out.printf(Locale.ROOT, "scale-out factor (2 processes / 1): **%.2f×**%n", two.result.perSecond() / one.result.perSecond());
            }
            System.out.println(SPLIT_ONLY ? "(only the last configuration, -Dbench.rows=split)" : capped == null
                    ? String.format(Locale.ROOT, "(each service process of the first two rows under a CPU quota of %.2f cores; broker and load generator not limited)", cores)
                    : "(no CPU quota could be set here: " + capped + "; the processes share the machine's cores with the broker, so the factor shows the machine, not the design)");
            System.out.println(SERVICE_OPTS.isBlank()
                    ? "(every service process without the web view, as the stage pods run)"
                    : "(every service process with -Dconveyor.ui.enabled=false, then " + SERVICE_OPTS.trim() + ")");
        }
    }

    /** Null when quotas can be set here, else why not. */
    private static String quotaAvailable(double cores) {
        if (cores <= 0) {
            return "none asked for (CORES 0)";
        }
        try (CpuQuota probe = CpuQuota.create("probe", cores)) {
            return null;
        } catch (IOException | RuntimeException e) {
            return e.getMessage();
        }
    }

    record Row(RatioBench.Result result, int duplicates, int unexpected, double cores, List<Double> throttled,
               double servicesCores, double brokerCores) {
        void print(String label) {
            System.out.printf(Locale.ROOT, "| %s | %s | %.0f jobs/s (%d jobs) | %.0f ms | %.0f ms | %d; %d, %d | %s | %.2f / %.2f | %.1f ms |%n", label,
                    cores > 0 ? String.format(Locale.ROOT, "%.2f cores", cores) : "not limited",
                    result.perSecond(), result.count(), result.p50(), result.p99(), result.count(), duplicates, unexpected,
                    throttled.isEmpty() ? "—" : throttled.stream().map(s -> String.format(Locale.ROOT, "%.0f s", s)).toList(),
                    servicesCores, brokerCores, 1000 * servicesCores / result.perSecond());
        }
    }

    /**
     * One configuration: a process per entry of {@code stagesPerProcess} (empty: all stages), each
     * under a quota of {@code cores} when positive; warmed up with a burst of the same size per process running all
     * stages (one for a split: each of its processes sees every job), measured once every process has settled.
     */
    /** Where service process {@code i} of configuration {@code label} writes its log. */
    private static Path serviceLog(Path data, String label, int i) {
        return data.resolveSibling("service-" + label + "-" + i + ".log");
    }

    private static Row run(String bootstrap, Path data, List<List<String>> stagesPerProcess, double cores, int burst) throws Exception {
        List<Process> services = new ArrayList<>();
        List<CpuQuota> quotas = new ArrayList<>();
        String label = stagesPerProcess.size() + "-" + (stagesPerProcess.get(0).isEmpty() ? "all" : "split");
        Files.createDirectories(data);
        try {
            for (int i = 0; i < stagesPerProcess.size(); i++) {
                List<String> options = new ArrayList<>(List.of(
                        // the JVM sizes its pools as on an unlimited machine, as in the k8s manifests (no CPU limit)
                        "-XX:ActiveProcessorCount=" + Runtime.getRuntime().availableProcessors(),
                        "-Dquarkus.http.port=0", "-Dconveyor.instance-id=scale-" + label + "-" + i,
                        "-Dconveyor.ui.enabled=false"));
                options.addAll(RatioBench.serviceOpts());
                List<String> cmd = new ArrayList<>(ServiceProcess.appJar(options));
                cmd.addAll(List.of("serve",
                        "--bootstrap-servers", bootstrap, "--data-dir", data.toString()));
                if (!stagesPerProcess.get(i).isEmpty()) {
                    cmd.addAll(List.of("--stages", String.join(",", stagesPerProcess.get(i))));
                }
                if (cores > 0) {
                    CpuQuota quota = CpuQuota.create(label + "-" + i, cores);
                    quotas.add(quota);
                    cmd = quota.wrap(cmd);
                }
                services.add(new ProcessBuilder(cmd).redirectErrorStream(true)
                        .redirectOutput(serviceLog(data, label, i).toFile()).start());
            }
            try (RatioBench.Pipeline pipeline = new RatioBench.Pipeline(bootstrap)) {
                services.forEach(pipeline::watch);
                // every process has joined every group, and the JIT has compiled what a burst runs: each
                // process running all stages gets a whole burst's worth of jobs, as the single one does
                // (with one burst for all, two processes were still compiling in the measured burst)
                int warmUps = stagesPerProcess.get(0).isEmpty() ? services.size() : 1;
                for (int w = 0; w < warmUps; w++) {
                    pipeline.warmUp(burst);
                }
                services.forEach(p -> RatioBench.settle(p.toHandle()));
                List<Double> before = quotas.stream().map(CpuQuota::throttledSeconds).toList();
                long[] cpuBefore = services.stream().mapToLong(p -> RatioBench.cpuNanos(p.toHandle())).toArray();
                boolean byThread = Boolean.getBoolean("bench.threads");
                List<java.util.Map<String, long[]>> threadsBefore = byThread
                        ? services.stream().map(p -> Threads.ticks(p.pid())).toList() : List.of();
                long servicesCpu = java.util.Arrays.stream(cpuBefore).sum();
                long brokerCpu = RatioBench.cpuNanos(ProcessHandle.current());
                long start = System.nanoTime();
                RatioBench.Result result = pipeline.burst(burst);
                double wall = System.nanoTime() - start;
                double servicesCores = (services.stream().mapToLong(p -> RatioBench.cpuNanos(p.toHandle())).sum() - servicesCpu) / wall;
                double brokerCores = (RatioBench.cpuNanos(ProcessHandle.current()) - brokerCpu) / wall;
                if (!stagesPerProcess.get(0).isEmpty()) {
                    List<String> byProcess = new ArrayList<>();
                    for (int i = 0; i < services.size(); i++) {
                        byProcess.add(String.format(Locale.ROOT, "%s %.1f ms", String.join("+", stagesPerProcess.get(i)),
                                (RatioBench.cpuNanos(services.get(i).toHandle()) - cpuBefore[i]) / 1e6 / burst));
                    }
                    System.out.println("(burst CPU per job by process: " + String.join(", ", byProcess) + ")");
                }
                if (byThread) {
                    for (int i = 0; i < services.size(); i++) {
                        String stages = stagesPerProcess.get(i).isEmpty() ? "all stages" : String.join("+", stagesPerProcess.get(i));
                        System.out.println(label + ", process " + (i + 1) + " of " + services.size() + " (" + stages + "), by thread:");
                        Threads.print(threadsBefore.get(i), Threads.ticks(services.get(i).pid()), burst);
                    }
                }
                List<Double> throttled = new ArrayList<>();
                for (int i = 0; i < quotas.size(); i++) {
                    throttled.add(quotas.get(i).throttledSeconds() - before.get(i));
                }
                return new Row(result, pipeline.duplicates(), pipeline.unexpected(), cores, throttled, servicesCores, brokerCores);
            }
        } finally {
            for (int i = 0; i < services.size(); i++) {
                if (!services.get(i).isAlive()) {
                    BenchDirs.keep(data.getParent()); // its log says why it exited
                    System.out.println("service process " + (i + 1) + " of " + label + " exited (code " + services.get(i).exitValue()
                            + "); its log: " + serviceLog(data, label, i));
                }
            }
            for (Process p : services) {
                p.destroy();
            }
            for (Process p : services) {
                p.waitFor();
            }
            quotas.forEach(CpuQuota::close);
        }
    }
}
