package dev.conveyor.compute.local;

import java.time.Instant;

/** The attempt of a task that was started and has not been finished (its result recorded) yet. */
final class RunningAttempt {
    final AttemptDir dir;
    /** Our own child process, or null when adopted from an earlier provider instance. */
    final Process process;
    /** pid and process-group id (the wrapper leads its own group); -1 when never recorded. */
    final long pid;
    final Instant processStart;
    final Instant startedAt;
    /** Set once the process tree is being stopped (timeout, cancel). */
    JobStore.KillRecord kill;
    boolean killEscalated;

    RunningAttempt(AttemptDir dir, Process process, long pid, Instant processStart, Instant startedAt) {
        this.dir = dir;
        this.process = process;
        this.pid = pid;
        this.processStart = processStart;
        this.startedAt = startedAt;
    }

    int number() {
        return dir.number();
    }

    boolean alive() {
        if (process != null) {
            return process.isAlive();
        }
        return ProcessGroups.alive(pid, processStart);
    }
}
