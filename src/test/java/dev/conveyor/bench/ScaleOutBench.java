package dev.conveyor.bench;

import dev.conveyor.kafka.EmbeddedKafka;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Scale-out shown, not claimed: the same burst of 1-task {@code noop} jobs against one service
 * process, then against two processes sharing the consumer groups (and the data folder), on one
 * broker in one run; prints both throughputs and their factor. On a 2-core machine the two
 * processes share the cores with the broker, so the factor shows what the design allows here, not
 * what two machines give. Run by {@code bench/run.sh scale [JOBS]}; not a test.
 */
public final class ScaleOutBench {

    public static void main(String[] args) throws Exception {
        int burst = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        Path root = Files.createTempDirectory("conveyor-scale-");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(root.resolve("kafka"), 0)) {
            RatioBench.Result one = run(kafka.bootstrapServers(), root.resolve("one"), 1, burst);
            RatioBench.Result two = run(kafka.bootstrapServers(), root.resolve("two"), 2, burst);
            System.out.println();
            System.out.printf("| processes | burst throughput | p50 | p99 |%n|---|---|---|---|%n");
            System.out.printf("| 1 | %.0f jobs/s (%d jobs) | %.0f ms | %.0f ms |%n", one.perSecond(), one.count(), one.p50(), one.p99());
            System.out.printf("| 2 | %.0f jobs/s (%d jobs) | %.0f ms | %.0f ms |%n", two.perSecond(), two.count(), two.p50(), two.p99());
            System.out.printf("scale-out factor (2 processes / 1): **%.2f×**%n", two.perSecond() / one.perSecond());
        }
    }

    private static RatioBench.Result run(String bootstrap, Path data, int processes, int burst) throws Exception {
        List<Process> services = new ArrayList<>();
        try {
            for (int i = 0; i < processes; i++) {
                services.add(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Dquarkus.http.port=0", "-Dconveyor.instance-id=scale-" + processes + "-" + i,
                        "-jar", "target/quarkus-app/quarkus-run.jar", "serve",
                        "--bootstrap-servers", bootstrap, "--data-dir", data.toString())
                        .redirectErrorStream(true).redirectOutput(data.resolveSibling("service-" + processes + "-" + i + ".log").toFile())
                        .start());
            }
            try (RatioBench.Pipeline pipeline = new RatioBench.Pipeline(bootstrap)) {
                pipeline.warmUp(20);
                pipeline.burst(Math.max(50, burst / 10)); // every process has joined every group and warmed up
                return pipeline.burst(burst);
            }
        } finally {
            for (Process p : services) {
                p.destroy();
            }
            for (Process p : services) {
                p.waitFor();
            }
        }
    }
}
