package dev.conveyor.cli;

import dev.conveyor.model.Json;
import dev.conveyor.model.result.JobResult;
import dev.conveyor.submission.UnreadableRequestException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code conveyor submit FILE}: publish a request to a running Conveyor, optionally waiting for its result. */
@Command(name = "submit", mixinStandardHelpOptions = true,
        description = "Publish a job request (JSON or YAML) to the requests topic of a running Conveyor.")
public final class SubmitCommand implements Callable<Integer> {
    @Mixin
    ClientOptions cluster;

    @Parameters(index = "0", description = "The job request file")
    Path file;

    @Option(names = {"-p", "--param"}, description = "Set a request param: --param name=value (repeatable)")
    Map<String, String> params = new LinkedHashMap<>();

    @Option(names = "--wait", description = "Show progress and wait for the result (Ctrl-C cancels the job)")
    boolean await;

    @Option(names = "--json", description = "With --wait: print the result as JSON")
    boolean json;

    @Option(names = "--timeout", defaultValue = "PT24H", description = "With --wait: give up after this ISO-8601 duration (default: ${DEFAULT-VALUE})")
    Duration timeout;

    @Override
    public Integer call() throws IOException {
        RequestFile request;
        try {
            request = RequestFile.load(file, params);
        } catch (UnreadableRequestException e) {
            System.err.println("conveyor: " + file + " is not a job request: " + e.getMessage());
            return 2;
        }
        try (JobClient client = cluster.client()) {
            if (await) {
                client.followFromNow();
            }
            client.submit(request.jobId(), request.body());
            System.out.println(request.jobId());
            if (!await) {
                return 0;
            }
            CancelOnInterrupt.install(client, request.jobId(), System.err);
            ProgressDisplay progress = ProgressDisplay.forStream(System.err);
            Optional<JobResult> result = client.await(request.jobId(), progress::onStatus, timeout);
            progress.finish();
            return Results.show(request.jobId(), result, json);
        }
    }
}
