package dev.conveyor.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code conveyor cancel ID}: ask Conveyor to stop a job wherever it is. */
@Command(name = "cancel", mixinStandardHelpOptions = true,
        description = "Cancel a job: it stops wherever it is and its result says CANCELLED.")
public final class CancelCommand implements Callable<Integer> {
    @Mixin
    ClientOptions cluster;

    @Parameters(index = "0", description = "The job id")
    String jobId;

    @Option(names = "--reason", defaultValue = "cancelled from the command line", description = "Why (goes into the result)")
    String reason;

    @Option(names = "--wait", description = "Wait for the job's result")
    boolean await;

    @Override
    public Integer call() {
        try (JobClient client = cluster.client()) {
            if (await) {
                client.followFromNow();
            }
            client.cancel(jobId, reason, ClientOptions.topic("control"));
            System.err.println("Cancel requested for job " + jobId);
            if (!await) {
                return 0;
            }
            return Results.show(jobId, client.await(jobId, e -> { }, Duration.ofMinutes(10)), false);
        }
    }
}
