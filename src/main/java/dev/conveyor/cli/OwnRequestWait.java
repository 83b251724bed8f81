package dev.conveyor.cli;

import dev.conveyor.model.JobState;
import dev.conveyor.model.result.JobResult;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * What {@code run} and {@code submit --wait} do after publishing a request: show progress until
 * the result that answers it, and never hang — a request refused as a duplicate id is reported
 * with the earlier job's result, and a wait that runs out cancels the job it started.
 */
final class OwnRequestWait {
    private final JobClient client;
    private final Function<String, Optional<JobResult>> earlierResult;
    private final WaitOptions options;
    private final PrintWriter out;
    private final PrintWriter err;
    private final String rerunHint;

    /**
     * @param earlierResult where to look for the result of a job accepted before (by id)
     * @param rerunHint     how to run the request again when its id was taken
     */
    OwnRequestWait(JobClient client, Function<String, Optional<JobResult>> earlierResult, WaitOptions options,
                   PrintWriter out, PrintWriter err, String rerunHint) {
        this.client = client;
        this.earlierResult = earlierResult;
        this.options = options;
        this.out = out;
        this.err = err;
        this.rerunHint = rerunHint;
    }

    /** Follows the job to its end; returns the exit code. */
    int follow(String jobId, RequestRecord own) {
        ProgressDisplay progress = ProgressDisplay.forWriter(err);
        WaitOutcome outcome = client.await(jobId, own, progress::onStatus, progress::note, options.timeout);
        progress.finish();
        if (outcome instanceof WaitOutcome.Finished finished) {
            return Results.show(finished.result(), options.json, out);
        }
        if (outcome instanceof WaitOutcome.Duplicate duplicate) {
            return new DuplicateReport(options.json, out, err)
                    .print(jobId, duplicate.message(), earlierResult.apply(jobId), rerunHint);
        }
        return cancelAfterTimeout(jobId, own, progress);
    }

    private int cancelAfterTimeout(String jobId, RequestRecord own, ProgressDisplay progress) {
        String waited = human(options.timeout);
        err.println("conveyor: no result within " + waited + " (--timeout); cancelling job " + jobId + "...");
        err.flush();
        client.cancel(jobId, "the command line gave up after --timeout " + waited);
        WaitOutcome outcome = client.await(jobId, own, progress::onStatus, progress::note, options.cancelWait);
        progress.finish();
        if (outcome instanceof WaitOutcome.Finished finished) {
            JobResult result = finished.result();
            int code = Results.show(result, options.json, out);
            if (result.status() != JobState.CANCELLED) {
                return code; // it ended on its own while the cancel was on its way
            }
            err.println("conveyor: gave up after " + waited + "; job " + jobId + " was cancelled");
        } else {
            err.println("conveyor: gave up after " + waited + "; job " + jobId + " was asked to cancel, but no result "
                    + "came within " + human(options.cancelWait) + " (conveyor watch " + jobId + " follows it)");
        }
        err.flush();
        return ExitCodes.GAVE_UP;
    }

    static String human(Duration d) {
        return d.toString().substring(2).toLowerCase();
    }
}
