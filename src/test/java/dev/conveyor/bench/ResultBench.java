package dev.conveyor.bench;

import dev.conveyor.collection.ResultBuilder;
import dev.conveyor.compute.local.LocalComputeBackend;
import dev.conveyor.compute.local.LocalOptions;
import dev.conveyor.emulator.s3.S3Emulator;
import dev.conveyor.emulator.s3.S3EmulatorOptions;
import dev.conveyor.engine.EngineSettings;
import dev.conveyor.engine.RunState;
import dev.conveyor.model.JobSpec;
import dev.conveyor.model.events.JobCompleted;
import dev.conveyor.model.result.JobResult;
import dev.conveyor.storage.s3.S3ObjectStore;
import dev.conveyor.storage.s3.S3StoreOptions;
import dev.conveyor.testing.EngineRun;
import dev.conveyor.testing.Jobs;
import dev.conveyor.testing.S3ProxyFixture;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

/**
 * What building one job's result costs on a store across a network: a job of TASKS tasks runs on the
 * local backend against an S3 bucket (S3Proxy in this JVM, each call answered LATENCY ms late), each
 * task returning its logs, a value and an output file; then collection's {@link ResultBuilder} builds the
 * result ROUNDS times. Prints the median and the time per task. Run by {@code bench/run.sh result}; not
 * a test.
 */
public final class ResultBench {

    public static void main(String[] args) throws Exception {
        int tasks = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int latencyMs = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        Path root = BenchDirs.create("conveyor-result-bench-");
        try (S3Emulator s3 = S3Emulator.start(S3EmulatorOptions.defaults().withDataDir(root.resolve("s3")).withBuckets("results")
                .withLatency(Duration.ofMillis(latencyMs)));
             S3ObjectStore store = new S3ObjectStore(S3ProxyFixture.account(s3), S3StoreOptions.of("results"));
             LocalComputeBackend local = new LocalComputeBackend(new LocalOptions(root.resolve("local"), 8))) {
            StringBuilder yaml = new StringBuilder("tasks:\n");
            for (int i = 0; i < tasks; i++) {
                yaml.append("  - id: t").append(i).append('\n')
                        .append("    command: 'echo \"task ").append(i).append(" done\"; echo \"n=").append(i)
                        .append("\" >> \"$CONVEYOR_OUTPUTS\"; echo ").append(i).append(" > out.txt'\n")
                        .append("    outputs: [out.txt]\n");
            }
            JobSpec spec = Jobs.of("result-bench", yaml.toString());
            long ran = System.nanoTime();
            RunState end = new EngineRun(local, store, EngineSettings.DEFAULT).runToEnd(spec, Duration.ofMinutes(30));
            System.out.printf("ran %d tasks against the bucket (%d ms a call) in %.1f s (%s)%n", tasks, latencyMs,
                    (System.nanoTime() - ran) / 1e9, end.finalState);
            JobCompleted done = new JobCompleted(spec.id(), spec.id(), end.finalState, null, null, null, null, null, true,
                    null, null, null, end.version);
            ResultBuilder builder = new ResultBuilder(store, 4096);
            double[] ms = new double[rounds];
            JobResult result = null;
            for (int r = 0; r < rounds; r++) {
                long start = System.nanoTime();
                result = builder.build(done, spec, end);
                ms[r] = (System.nanoTime() - start) / 1e6;
            }
            Arrays.sort(ms);
            double median = ms[rounds / 2];
            long withValues = result.tasks().stream().filter(t -> !t.values().isEmpty() && t.stdoutTail() != null
                    && t.outputs().size() == 1).count();
            System.out.printf("result of %d tasks (%d with their tail, value and output) built in %.0f ms (median of %d; %s) = %.1f ms per task%s%n",
                    result.tasks().size(), withValues, median, rounds,
                    Arrays.toString(Arrays.stream(ms).mapToLong(Math::round).toArray()), median / tasks,
                    latencyMs == 0 ? "" : String.format(" = %.2f calls' waits of %d ms per task", median / tasks / latencyMs, latencyMs));
        }
        System.out.println(BenchDirs.where(root));
        System.exit(0); // the fault-tolerance timer thread would keep the JVM up
    }
}
