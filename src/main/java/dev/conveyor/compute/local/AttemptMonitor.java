package dev.conveyor.compute.local;

import dev.conveyor.model.TaskState;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;

/**
 * Watches one running attempt: notices its exit code, a process gone without one (lost), a
 * timeout; and stops process trees (SIGTERM to the group, SIGKILL after the grace period), always
 * recording why on disk before the first signal so the outcome survives a restart.
 */
final class AttemptMonitor {
    static final String LOST_REASON = "lost: the process ended while Conveyor was not watching and left no exit code";

    /** How an attempt ended. */
    record End(TaskState state, Integer exitCode, String reason, boolean retryable) {
        static End of(TaskState state, Integer exitCode, String reason) {
            return new End(state, exitCode, reason, true);
        }
    }

    private final JobStore store;
    private final Duration killGrace;

    AttemptMonitor(JobStore store, Duration killGrace) {
        this.store = store;
        this.killGrace = killGrace;
    }

    /** @return how the attempt ended, or null while it still runs (or is still being stopped) */
    End check(TaskRun t, Instant now) throws IOException {
        RunningAttempt a = t.running;
        boolean alive = a.alive(); // before reading the exit code: the wrapper writes it before it exits
        Integer code = JobStore.readExitCode(a.dir);
        if (code != null) {
            if (a.kill != null) {
                return End.of(a.kill.state(), code, a.kill.reason());
            }
            return code == 0 ? End.of(TaskState.SUCCEEDED, 0, null) : End.of(TaskState.FAILED, code, "exit code " + code);
        }
        if (a.kill != null) {
            if (!a.killEscalated && !now.isBefore(a.kill.at().plus(killGrace))) {
                if (a.pid > 0) {
                    ProcessGroups.signalGroup(a.pid, true);
                }
                a.killEscalated = true;
            }
            boolean treeGone = a.pid <= 0 || a.killEscalated || !ProcessGroups.groupAlive(a.pid);
            return !alive && treeGone ? End.of(a.kill.state(), null, a.kill.reason()) : null;
        }
        if (!alive) {
            return End.of(TaskState.FAILED, null, LOST_REASON);
        }
        long timeout = t.task.timeoutSeconds();
        if (timeout > 0 && now.isAfter(a.startedAt.plusSeconds(timeout))) {
            stop(a, TaskState.TIMED_OUT, "timed out after " + timeout + "s", now);
        }
        return null;
    }

    /** Start stopping the attempt's process tree; {@link #check} finishes the job. No-op when already stopping. */
    void stop(RunningAttempt a, TaskState state, String reason, Instant now) throws IOException {
        if (a.kill != null || JobStore.readExitCode(a.dir) != null) {
            return; // already stopping, or already ended on its own: check() reports the real outcome
        }
        JobStore.KillRecord kill = new JobStore.KillRecord(state, reason, now);
        store.saveKill(a.dir, kill);
        a.kill = kill;
        if (a.pid > 0 && (a.alive() || ProcessGroups.groupAlive(a.pid))) {
            ProcessGroups.signalGroup(a.pid, killGrace.isZero());
            a.killEscalated = killGrace.isZero();
        }
    }
}
