package dev.conveyor.cli;

import dev.conveyor.model.JobState;

/**
 * The exit codes every {@code conveyor} command uses (the README lists them under "The client
 * commands"). A job's own outcome comes first (0, 1, 2), then the ways of not having one.
 */
final class ExitCodes {
    /** The job SUCCEEDED (or the command did what it was asked). */
    static final int OK = 0;
    /** The job FAILED, TIMED_OUT or was CANCELLED. */
    static final int JOB_FAILED = 1;
    /** The job was REJECTED, or the command's input is wrong: a bad file or option, an unknown job id. */
    static final int BAD_INPUT = 2;
    /** No result (yet): the job is still running, or its result is not where this command looked. */
    static final int NO_RESULT = 3;
    /** {@code --timeout} ran out: the command cancelled the job it started and stopped waiting. */
    static final int GAVE_UP = 4;
    /** Kafka did not answer at the given address. */
    static final int KAFKA_UNREACHABLE = 5;
    /** Something unexpected went wrong in the command itself (a bug; CONVEYOR_DEBUG=1 shows the trace). */
    static final int INTERNAL_ERROR = 70;

    private ExitCodes() {
    }

    /** 0 SUCCEEDED, 2 REJECTED, 1 every other end (FAILED, TIMED_OUT, CANCELLED). */
    static int of(JobState state) {
        return switch (state) {
            case SUCCEEDED -> OK;
            case REJECTED -> BAD_INPUT;
            default -> JOB_FAILED;
        };
    }
}
