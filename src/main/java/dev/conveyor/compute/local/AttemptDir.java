package dev.conveyor.compute.local;

import java.nio.file.Path;

/** The files of one attempt: {@code dataDir/jobs/<jobId>/<taskId>/attempt-<n>/}. */
record AttemptDir(Path dir, int number) {
    static final String PREFIX = "attempt-";

    static String name(int number) {
        return PREFIX + number;
    }

    /** The task's fresh working directory. */
    Path wd() {
        return dir.resolve("wd");
    }

    Path tmp() {
        return dir.resolve("tmp");
    }

    Path stdout() {
        return dir.resolve("stdout.txt");
    }

    Path stderr() {
        return dir.resolve("stderr.txt");
    }

    Path outputsEnv() {
        return dir.resolve("outputs.env");
    }

    Path wrapper() {
        return dir.resolve("wrapper.sh");
    }

    Path wrapperLog() {
        return dir.resolve("wrapper.log");
    }

    /** Written atomically by the wrapper when the command ends. */
    Path exitCode() {
        return dir.resolve("exitcode");
    }

    /** The wrapper's own pid, written by the wrapper itself: a fallback when launch.json was never written. */
    Path pid() {
        return dir.resolve("pid");
    }

    /** pid, process start instant, start time: written right after the process starts. */
    Path launch() {
        return dir.resolve("launch.json");
    }

    /** Why and when the process tree was stopped: written before the first signal. */
    Path kill() {
        return dir.resolve("kill.json");
    }

    /** The finished attempt, once logs are uploaded. */
    Path result() {
        return dir.resolve("result.json");
    }
}
