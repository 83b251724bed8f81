package dev.conveyor.cli;

import dev.conveyor.model.result.JobResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code conveyor submit FILE}: publish a request to a running Conveyor, optionally waiting for its result. */
@Command(name = "submit", mixinStandardHelpOptions = true,
        description = "Publish a job request (JSON or YAML, at most 4 MiB) to the requests topic of a running Conveyor.")
public final class SubmitCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions cluster;

    @Mixin
    WaitOptions waiting;

    @Parameters(index = "0", description = "The job request file")
    Path file;

    @Option(names = {"-p", "--param"}, description = "Set a param the request declares: --param name=value (repeatable)")
    Map<String, String> params = new LinkedHashMap<>();

    @Option(names = "--wait", description = "Show progress and wait for the result (Ctrl-C cancels the job)")
    boolean await;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        RequestFile request = RequestFile.load(file, params);
        String jobId = request.jobId();
        try (JobClient client = cluster.client()) {
            if (await) {
                client.followFromNow();
            }
            RequestRecord published = client.submit(jobId, request.body());
            out.println(jobId);
            out.flush();
            if (!await) {
                return ExitCodes.OK;
            }
            CancelOnInterrupt.install(client, jobId, err);
            return new OwnRequestWait(client, this::earlierResult, waiting, out, err,
                    "to run it again, give the request another id, or remove its id to get a new one each time")
                    .follow(jobId, published);
        }
    }

    private Optional<JobResult> earlierResult(String jobId) {
        try (JobLookup lookup = cluster.lookup()) {
            return lookup.findResult(jobId);
        }
    }
}
