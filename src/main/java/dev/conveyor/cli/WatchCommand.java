package dev.conveyor.cli;

import dev.conveyor.model.result.JobResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code conveyor watch [ID]}: follow status and results, of one job or of all. */
@Command(name = "watch", mixinStandardHelpOptions = true,
        description = "Follow status events and results: of one job until its result, or of every job until Ctrl-C.")
public final class WatchCommand implements Callable<Integer> {
    @Mixin
    ClientOptions cluster;

    @Parameters(index = "0", arity = "0..1", description = "A job id (default: every job)")
    String jobId;

    @Option(names = "--json", description = "Print the result as JSON")
    boolean json;

    @Option(names = "--timeout", defaultValue = "PT24H", description = "Stop after this ISO-8601 duration (default: ${DEFAULT-VALUE})")
    Duration timeout;

    @Override
    public Integer call() {
        try (JobClient client = cluster.client()) {
            client.followFromNow();
            if (jobId != null) {
                // Following started first, so a result published during the look-up is not missed.
                Optional<JobResult> already;
                try (JobClient lookup = cluster.client()) {
                    already = lookup.findResult(jobId);
                }
                if (already.isPresent()) {
                    return Results.show(jobId, already, json);
                }
                ProgressDisplay progress = ProgressDisplay.forStream(System.err);
                Optional<JobResult> result = client.await(jobId, progress::onStatus, timeout);
                progress.finish();
                return Results.show(jobId, result, json);
            }
            ProgressPrinter lines = new ProgressPrinter(System.out);
            client.follow(null, e -> {
                System.out.print(e.jobId() + " ");
                lines.onStatus(e);
            }, r -> {
                System.out.println(r.jobId() + " RESULT " + r.status() + (r.reason() == null ? "" : " - " + r.reason()));
                return false;
            }, timeout);
            return 0;
        }
    }
}
