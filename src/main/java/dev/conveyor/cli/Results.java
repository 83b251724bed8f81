package dev.conveyor.cli;

import dev.conveyor.model.Json;
import dev.conveyor.model.result.JobResult;

import java.io.PrintWriter;
import java.util.Optional;

/** Prints a result (summary or JSON) and maps it to its exit code ({@link ExitCodes}). */
final class Results {
    private Results() {
    }

    static int show(JobResult result, boolean json, PrintWriter out) {
        if (json) {
            out.println(Json.write(result));
        } else {
            ResultPrinter.print(result, out);
        }
        out.flush();
        return ExitCodes.of(result.status());
    }

    /** The result if there is one, else "no result (yet)" on {@code err} and {@link ExitCodes#NO_RESULT}. */
    static int show(String jobId, Optional<JobResult> result, boolean json, PrintWriter out, PrintWriter err) {
        if (result.isEmpty()) {
            err.println("conveyor: no result for job " + jobId + " (yet)");
            err.flush();
            return ExitCodes.NO_RESULT;
        }
        return show(result.get(), json, out);
    }
}
