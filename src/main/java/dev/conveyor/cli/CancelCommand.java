package dev.conveyor.cli;

import dev.conveyor.model.result.JobResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code conveyor cancel ID}: ask Conveyor to stop a job wherever it is. A job that already has a
 * result, or that Conveyor has never heard of, is reported as such and no cancel is published.
 */
@Command(name = "cancel", mixinStandardHelpOptions = true,
        description = "Cancel a job: it stops wherever it is and its result says CANCELLED. Exit code 2 when no "
                + "job has that id; a job that already ended exits with its result's code.")
public final class CancelCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions cluster;

    @Parameters(index = "0", description = "The job id")
    String jobId;

    @Option(names = "--reason", defaultValue = "cancelled from the command line", description = "Why (goes into the result)")
    String reason;

    @Option(names = "--wait", description = "Wait for the job's result")
    boolean await;

    @Option(names = "--timeout", defaultValue = "10m", converter = DurationConverter.class,
            description = "With --wait: stop waiting after this long (default: ${DEFAULT-VALUE})")
    Duration timeout;

    @Option(names = "--json", description = "With --wait: print the result as JSON")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (JobClient client = cluster.client()) {
            if (await) {
                client.followFromNow(); // before the look-up, so a result published meanwhile is not missed
            }
            Optional<JobResult> finished;
            boolean known;
            try (JobLookup lookup = cluster.lookup()) {
                finished = lookup.findResult(jobId);
                known = finished.isPresent() || lookup.hasStatus(jobId);
            }
            if (finished.isPresent()) {
                err.println("conveyor: job " + jobId + " already finished: " + finished.get().status()
                        + "; nothing to cancel");
                err.flush();
                return await ? Results.show(finished.get(), json, out) : ExitCodes.of(finished.get().status());
            }
            if (!known) {
                throw CliException.badInput("no job with id " + jobId + " is known to Conveyor (no status or result on "
                        + cluster.bootstrap() + ")");
            }
            client.cancel(jobId, reason);
            err.println("Cancel requested for job " + jobId);
            err.flush();
            if (!await) {
                return ExitCodes.OK;
            }
            ProgressDisplay progress = ProgressDisplay.forWriter(err);
            WaitOutcome outcome = client.await(jobId, null, progress::onStatus, progress::note, timeout);
            progress.finish();
            return Results.show(jobId, outcome instanceof WaitOutcome.Finished f ? Optional.of(f.result()) : Optional.empty(),
                    json, out, err);
        }
    }
}
