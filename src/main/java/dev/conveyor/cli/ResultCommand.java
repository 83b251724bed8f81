package dev.conveyor.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code conveyor result ID}: print a job's result from the results topic. */
@Command(name = "result", mixinStandardHelpOptions = true,
        description = "Print a job's result (exit code 0 SUCCEEDED, 1 FAILED/TIMED_OUT/CANCELLED, 2 REJECTED, 3 none yet).")
public final class ResultCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions cluster;

    @Parameters(index = "0", description = "The job id")
    String jobId;

    @Option(names = "--json", description = "Print the result as JSON")
    boolean json;

    @Override
    public Integer call() {
        try (JobLookup lookup = cluster.lookup()) {
            return Results.show(jobId, lookup.findResult(jobId), json, spec.commandLine().getOut(),
                    spec.commandLine().getErr());
        }
    }
}
