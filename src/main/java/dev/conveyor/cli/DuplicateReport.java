package dev.conveyor.cli;

import dev.conveyor.model.result.JobResult;

import java.io.PrintWriter;
import java.util.Optional;

/**
 * Tells the user their request was not run because a job with its id was accepted before, shows
 * that job's result when it is known, and how to run the request again.
 */
final class DuplicateReport {
    private final boolean json;
    private final PrintWriter out;
    private final PrintWriter err;

    DuplicateReport(boolean json, PrintWriter out, PrintWriter err) {
        this.json = json;
        this.out = out;
        this.err = err;
    }

    /**
     * @param why     what the service (or the data folder) says, e.g. "a job with this id was already
     *                accepted (from conveyor.requests/3/0)"
     * @param earlier the earlier job's result, if found
     * @return the exit code: the earlier result's, else {@link ExitCodes#NO_RESULT}
     */
    int print(String jobId, String why, Optional<JobResult> earlier, String rerunHint) {
        err.println("conveyor: job " + jobId + " was not run again: " + why);
        int code;
        if (earlier.isPresent()) {
            err.println("conveyor: the earlier job " + jobId + " already finished: " + earlier.get().status()
                    + "; its result:");
            err.flush();
            code = Results.show(earlier.get(), json, out);
        } else {
            err.println("conveyor: no result for job " + jobId + " was found: it is still running, or its result "
                    + "is elsewhere");
            code = ExitCodes.NO_RESULT;
        }
        err.println("conveyor: " + rerunHint);
        err.flush();
        return code;
    }
}
