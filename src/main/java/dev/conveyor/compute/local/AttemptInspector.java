package dev.conveyor.compute.local;

import dev.conveyor.compute.TaskObservation;
import dev.conveyor.model.TaskState;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;

/**
 * Reads an attempt folder and says how the attempt stands — for attempts this instance started and
 * for those another (maybe dead) instance started. Enforces the attempt's time limit and finishes
 * stops (SIGKILL after the grace period), recording why on disk before any signal, so the outcome
 * survives restarts.
 */
final class AttemptInspector {
    /** How long a claimed start may go without a recorded launch before it counts as lost. */
    static final Duration LAUNCH_GRACE = Duration.ofSeconds(30);
    private final Duration killGrace;

    AttemptInspector(Duration killGrace) {
        this.killGrace = killGrace;
    }

    /** @return the observation, or null when the attempt is queued and not claimed by anyone yet */
    TaskObservation inspect(AttemptDir a, Instant now) throws IOException {
        if (!Files.isDirectory(a.dir())) {
            return TaskObservation.lost("its folder " + a.dir() + " is gone");
        }
        AttemptFiles.Launch launch = AttemptFiles.read(a.launch(), AttemptFiles.Launch.class);
        AttemptFiles.Kill kill = AttemptFiles.read(a.kill(), AttemptFiles.Kill.class);
        boolean alive = launch != null && ProcessGroups.alive(launch.pid(), launch.processStart());
        Integer code = AttemptFiles.exitCode(a); // after the liveness check: the wrapper writes it before it exits
        Instant started = launch == null ? null : launch.startedAt();
        if (code != null) {
            return ended(code, kill, started, now);
        }
        if (!Files.exists(a.started())) {
            return kill != null ? ended(null, kill, null, now) : null;
        }
        if (launch == null) {
            if (kill != null) {
                return ended(null, kill, null, now);
            }
            FileTime claimed = Files.getLastModifiedTime(a.started());
            return now.isAfter(claimed.toInstant().plus(LAUNCH_GRACE))
                    ? TaskObservation.lost("its process was never recorded as started")
                    : TaskObservation.queued();
        }
        if (kill != null) {
            boolean groupGone = !ProcessGroups.groupAlive(launch.pid(), launch.processStart());
            if (!alive && groupGone) {
                return ended(null, kill, started, now);
            }
            if (!now.isBefore(kill.at().plus(killGrace))) {
                ProcessGroups.signalGroup(launch.pid(), launch.processStart(), true);
            }
            return TaskObservation.running(started);
        }
        if (!alive) {
            return AttemptFiles.exitCode(a) != null ? ended(AttemptFiles.exitCode(a), null, started, now)
                    : TaskObservation.lost("the process ended without recording an exit code");
        }
        AttemptFiles.Request request = AttemptFiles.read(a.request(), AttemptFiles.Request.class);
        long limit = request == null ? 0 : request.timeoutSeconds();
        if (limit > 0 && now.isAfter(started.plusSeconds(limit))) {
            stop(a, launch, TaskState.TIMED_OUT, "timed out after " + limit + "s", now);
        }
        return TaskObservation.running(started);
    }

    private static TaskObservation ended(Integer code, AttemptFiles.Kill kill, Instant started, Instant now) {
        if (kill == null) {
            return TaskObservation.ended(code, null, started, now);
        }
        TaskObservation o = TaskObservation.ended(code, kill.reason(), started, now);
        return kill.state() == TaskState.TIMED_OUT ? o.withTimedOut() : o;
    }

    /** Records why, then signals the process group (SIGTERM; SIGKILL when there is no grace). No-op when already stopping. */
    void stop(AttemptDir a, AttemptFiles.Launch launch, TaskState state, String reason, Instant now) throws IOException {
        if (Files.exists(a.kill()) || AttemptFiles.exitCode(a) != null) {
            return;
        }
        AttemptFiles.write(a.kill(), new AttemptFiles.Kill(state, reason, now));
        if (launch != null && launch.pid() > 0) {
            ProcessGroups.signalGroup(launch.pid(), launch.processStart(), killGrace.isZero());
        }
    }
}
