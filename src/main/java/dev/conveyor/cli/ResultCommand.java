package dev.conveyor.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code conveyor result ID}: print a job's result from the results topic. */
@Command(name = "result", mixinStandardHelpOptions = true,
        description = "Print a job's result (exit code 0 SUCCEEDED, 1 FAILED/TIMED_OUT/CANCELLED, 2 REJECTED, 3 none yet).")
public final class ResultCommand implements Callable<Integer> {
    @Mixin
    ClientOptions cluster;

    @Parameters(index = "0", description = "The job id")
    String jobId;

    @Option(names = "--json", description = "Print the result as JSON")
    boolean json;

    @Override
    public Integer call() {
        try (JobClient client = cluster.client()) {
            return Results.show(jobId, client.findResult(jobId), json);
        }
    }
}
