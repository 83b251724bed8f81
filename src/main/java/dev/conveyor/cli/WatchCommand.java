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

/** {@code conveyor watch [ID]}: follow status and results, of one job or of all. */
@Command(name = "watch", mixinStandardHelpOptions = true,
        description = "Follow status events and results: of one job until its result, or of every job until Ctrl-C.")
public final class WatchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions cluster;

    @Parameters(index = "0", arity = "0..1", description = "A job id (default: every job)")
    String jobId;

    @Option(names = "--json", description = "Print the result as JSON")
    boolean json;

    @Option(names = "--timeout", defaultValue = "24h", converter = DurationConverter.class,
            description = "Stop after this long (30s, 5m, 1h30m, PT1H or seconds; default: ${DEFAULT-VALUE})")
    Duration timeout;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (JobClient client = cluster.client()) {
            client.followFromNow();
            if (jobId == null) {
                return watchAll(client, out);
            }
            // Following started first, so a result published during the look-up is not missed.
            Optional<JobResult> already;
            try (JobLookup lookup = cluster.lookup()) {
                already = lookup.findResult(jobId);
            }
            if (already.isPresent()) {
                return Results.show(already.get(), json, out);
            }
            ProgressDisplay progress = ProgressDisplay.forWriter(err);
            WaitOutcome outcome = client.await(jobId, null, progress::onStatus, progress::note, timeout);
            progress.finish();
            return Results.show(jobId, outcome instanceof WaitOutcome.Finished f ? Optional.of(f.result()) : Optional.empty(),
                    json, out, err);
        }
    }

    private int watchAll(JobClient client, PrintWriter out) {
        ProgressPrinter lines = new ProgressPrinter(out);
        client.followAll(e -> {
            out.print(e.jobId() + " ");
            lines.onStatus(e);
        }, r -> {
            out.println(r.jobId() + " RESULT " + r.status() + (r.reason() == null ? "" : " - " + r.reason()));
            out.flush();
            return false;
        }, timeout);
        return ExitCodes.OK;
    }
}
