package dev.conveyor.compute.local;

import java.nio.file.Path;

/**
 * The folder of one attempt, {@code dataDir/jobs/<jobId>/<taskId>/attempt-<n>/}: its state on
 * disk, readable by any instance sharing the data dir, so whoever takes a job over can describe,
 * stop or finish what another one started.
 * <pre>
 * request.json  what to run (command, time limit) — written at submit
 * started       created (atomically) by the one instance that starts the process
 * launch.json   pid and process start instant, right after the start
 * kill.json     why and when it was stopped, written before the first signal
 * exitcode      written atomically by the outer wrapper when the command ends
 * process.log   the wrapper's own output
 * run/          the task wrapper's base folder (its work/ and .conveyor/)
 * </pre>
 */
record AttemptDir(Path dir) {
    static final String PREFIX = "attempt-";

    static String name(int attempt) {
        return PREFIX + attempt;
    }

    Path request() {
        return dir.resolve("request.json");
    }

    Path started() {
        return dir.resolve("started");
    }

    Path launch() {
        return dir.resolve("launch.json");
    }

    Path kill() {
        return dir.resolve("kill.json");
    }

    Path exitCode() {
        return dir.resolve("exitcode");
    }

    Path processLog() {
        return dir.resolve("process.log");
    }

    /** The base folder the task wrapper runs in. */
    Path run() {
        return dir.resolve("run");
    }

    Path tmp() {
        return dir.resolve("tmp");
    }
}
