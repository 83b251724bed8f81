package dev.conveyor.cli;

import dev.conveyor.model.JobState;
import dev.conveyor.model.Json;
import dev.conveyor.model.result.JobResult;

import java.util.Optional;

/** Prints a result and maps it to the exit code every command uses. */
final class Results {
    /** Exit code when no result arrived (yet). */
    static final int NO_RESULT = 3;

    private Results() {
    }

    static int show(String jobId, Optional<JobResult> result, boolean json) {
        if (result.isEmpty()) {
            System.err.println("conveyor: no result for job " + jobId + " (yet)");
            return NO_RESULT;
        }
        if (json) {
            System.out.println(Json.write(result.get()));
        } else {
            ResultPrinter.print(result.get(), System.out);
        }
        return exitCode(result.get().status());
    }

    /** 0 SUCCEEDED, 1 FAILED/TIMED_OUT/CANCELLED, 2 REJECTED. */
    static int exitCode(JobState state) {
        return switch (state) {
            case SUCCEEDED -> 0;
            case REJECTED -> 2;
            default -> 1;
        };
    }
}
