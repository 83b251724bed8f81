package dev.conveyor.engine;

import dev.conveyor.compute.TaskObservation;
import dev.conveyor.model.JobState;
import dev.conveyor.model.MatrixGroup;
import dev.conveyor.model.TaskSpec;
import dev.conveyor.model.TaskState;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The workflow semantics, for every backend: given a job's graph, its run state and what the
 * backend reported, decide which attempts ended how, which tasks retry (with backoff) and when,
 * which are SKIPPED and why, which cells a fail-fast matrix group cancels, how many cells of a group
 * run at once, when an attempt or the job times out, and which tasks are ready now. Pure: no I/O,
 * no clock of its own; the caller persists the state and carries out launches and stops.
 */
public final class Scheduler {
    private final JobGraph graph;
    private final EngineSettings settings;

    public Scheduler(JobGraph graph, EngineSettings settings) {
        this.graph = graph;
        this.settings = settings;
    }

    public JobGraph graph() {
        return graph;
    }

    /** A fresh run state for the job: every task WAITING. */
    public RunState newRun(String backend, Instant now) {
        RunState s = new RunState();
        s.jobId = graph.spec().id();
        s.backend = backend;
        s.startedAt = now;
        long timeout = graph.spec().timeoutSeconds();
        s.deadline = timeout > 0 ? now.plusSeconds(timeout) : null;
        graph.spec().tasks().forEach(t -> s.tasks.put(t.id(), new TaskRun()));
        return s;
    }

    /**
     * One step. {@code observations} holds what the backend said about ACTIVE attempts (by task id;
     * absent = no news). {@code cancelReason} is set once the job was asked to stop.
     */
    public Step step(RunState s, Map<String, Observed> observations, String cancelReason, Instant now) {
        StepChanges c = new StepChanges();
        observations.forEach((taskId, obs) -> observe(s, taskId, obs, now, c));
        c.sayWaiting();
        attemptTimeouts(s, now, c);
        jobStop(s, cancelReason, now, c);
        failFast(s, now, c);
        skipUnreachable(s, now, c);
        List<Step.Launch> launches = s.stop == null ? release(s, now, c) : List.of();
        resendStops(s, c);
        end(s, now, c);
        return new Step(launches, c.stops, c.events, c.changed || !launches.isEmpty(), c.nextWake);
    }

    // ---- what the backend said

    private void observe(RunState s, String taskId, Observed observed, Instant now, StepChanges c) {
        TaskRun t = s.tasks.get(taskId);
        if (t == null || t.phase != Phase.ACTIVE || observed == null) {
            return;
        }
        TaskObservation obs = observed.observation();
        switch (obs.phase()) {
            case QUEUED -> {
                if (!java.util.Objects.equals(obs.reason(), t.waitingFor)) { // the latest word; said once per reason
                    t.waitingFor = obs.reason();
                    c.changed = true;
                    if (obs.reason() != null) {
                        c.waiting(taskId, t.attempt, obs.reason());
                    }
                }
            }
            case RUNNING -> {
                t.waitingFor = null;
                if (t.startedAt == null) {
                    t.startedAt = obs.startedAt() != null ? obs.startedAt() : now;
                    t.state = TaskState.RUNNING;
                    c.changed = true;
                    c.events.add(new Step.TaskEvent(taskId, TaskState.RUNNING, t.attempt, null, false));
                }
            }
            case ENDED, LOST -> finishAttempt(s, taskId, t, obs, observed.reported(), now, c);
        }
    }

    private void finishAttempt(RunState s, String taskId, TaskRun t, TaskObservation obs, boolean reported,
                               Instant now, StepChanges c) {
        TaskSpec spec = graph.task(taskId);
        TaskState state;
        String reason;
        boolean infrastructure = obs.infrastructure() && t.stopping == null;
        if (t.stopping != null) {
            state = t.stopping;
            reason = t.stopReason + (t.startedAt == null && obs.startedAt() == null ? neverStarted(t) : "");
        } else if (obs.phase() == TaskObservation.Phase.LOST) {
            state = TaskState.FAILED;
            reason = "lost: " + (obs.reason() == null ? "the backend no longer knows this attempt" : obs.reason());
        } else if (obs.timedOut()) {
            state = TaskState.TIMED_OUT;
            reason = "timed out after " + spec.timeoutSeconds() + "s";
        } else if (obs.exitCode() != null && obs.exitCode() == 0 && !infrastructure) {
            state = TaskState.SUCCEEDED;
            reason = null;
        } else {
            state = TaskState.FAILED;
            reason = obs.exitCode() == null ? (obs.reason() == null ? "ended without an exit code" : obs.reason())
                    : "exit code " + obs.exitCode() + (obs.reason() == null ? "" : ": " + obs.reason());
        }
        Instant started = t.startedAt != null ? t.startedAt : obs.startedAt();
        Instant ended = obs.endedAt() != null ? obs.endedAt() : now;
        t.attempts.add(new Attempt(t.attempt, state, obs.exitCode(), reason, started, ended,
                reported, infrastructure, t.handle, obs.logRef()));
        t.stopping = null;
        t.stopReason = null;
        t.stopSent = false;
        t.startedAt = null;
        t.waitingFor = null;
        c.changed = true;
        boolean failed = state == TaskState.FAILED || state == TaskState.TIMED_OUT;
        if (failed && s.stop == null) {
            if (infrastructure && t.infrastructureRetries < settings.infrastructureRetries()) {
                t.infrastructureRetries++;
                retry(t, taskId, state, reason, now.plus(settings.retryBackoff()), c);
                return;
            }
            if (!infrastructure) {
                t.charged++;
            }
            if (t.charged <= spec.retries()) {
                if (!obs.terminal()) {
                    retry(t, taskId, state, reason, now.plus(jittered(settings.backoffAfter(t.charged))), c);
                    return;
                }
                reason = reason + " (not retried: another attempt would end the same way)";
            }
        }
        done(t, taskId, state, obs.exitCode(), reason, c);
    }

    private void retry(TaskRun t, String taskId, TaskState state, String reason, Instant at, StepChanges c) {
        t.phase = Phase.WAITING;
        t.state = TaskState.PENDING;
        t.handle = null;
        t.notBefore = at;
        c.wakeAt(at);
        c.events.add(new Step.TaskEvent(taskId, state, t.attempt, reason, true));
    }

    private Duration jittered(Duration d) {
        double j = settings.retryJitter();
        if (j <= 0) {
            return d;
        }
        double factor = 1 - j + ThreadLocalRandom.current().nextDouble() * 2 * j;
        return Duration.ofMillis(Math.max(0, Math.round(d.toMillis() * factor)));
    }

    /** Said of an attempt stopped before it ever ran: the user learns it waited on the backend, and for what. */
    private static String neverStarted(TaskRun t) {
        return t.waitingFor == null ? " (it never started on the backend)"
                : " (it never started on the backend, which said: " + t.waitingFor + ")";
    }

    private static void done(TaskRun t, String taskId, TaskState state, Integer exitCode, String reason, StepChanges c) {
        t.phase = Phase.DONE;
        t.state = state;
        t.exitCode = exitCode;
        t.reason = reason;
        t.handle = null;
        t.notBefore = null;
        c.changed = true;
        c.events.add(new Step.TaskEvent(taskId, state, t.attempt, reason, false));
    }

    // ---- time limits and stops

    private void attemptTimeouts(RunState s, Instant now, StepChanges c) {
        for (Map.Entry<String, TaskRun> e : s.tasks.entrySet()) {
            TaskRun t = e.getValue();
            long limit = graph.task(e.getKey()).timeoutSeconds();
            if (t.phase != Phase.ACTIVE || limit <= 0 || t.startedAt == null || t.stopping != null) {
                continue;
            }
            Instant due = t.startedAt.plusSeconds(limit).plus(settings.timeoutGrace());
            if (!now.isBefore(due)) {
                stop(e.getKey(), t, TaskState.TIMED_OUT, "timed out after " + limit + "s", c);
            } else {
                c.wakeAt(due);
            }
        }
    }

    private void jobStop(RunState s, String cancelReason, Instant now, StepChanges c) {
        if (s.stop == null && s.finalState == null) {
            if (cancelReason != null) {
                s.stop = JobState.CANCELLED;
                s.stopReason = "cancelled: " + cancelReason;
            } else if (s.deadline != null && !now.isBefore(s.deadline)) {
                s.stop = JobState.TIMED_OUT;
                s.stopReason = "job timed out after " + graph.spec().timeoutSeconds() + "s";
            } else if (s.deadline != null) {
                c.wakeAt(s.deadline);
            }
            if (s.stop != null) {
                c.changed = true;
            }
        }
        if (s.stop == null) {
            return;
        }
        for (Map.Entry<String, TaskRun> e : s.tasks.entrySet()) {
            TaskRun t = e.getValue();
            if (t.phase == Phase.WAITING) {
                done(t, e.getKey(), TaskState.CANCELLED, null, s.stopReason, c);
            } else if (t.phase == Phase.ACTIVE && t.stopping == null) {
                stop(e.getKey(), t, TaskState.CANCELLED, s.stopReason, c);
            }
        }
    }

    private void failFast(RunState s, Instant now, StepChanges c) {
        for (MatrixGroup g : graph.groups()) {
            if (!g.failFast()) {
                continue;
            }
            String failed = null;
            for (String cell : g.tasks()) {
                TaskRun t = s.tasks.get(cell);
                if (t.phase == Phase.DONE && (t.state == TaskState.FAILED || t.state == TaskState.TIMED_OUT)) {
                    failed = cell;
                    break;
                }
            }
            if (failed == null) {
                continue;
            }
            String reason = "matrix cell '" + failed + "' " + s.tasks.get(failed).state + " and '" + g.id() + "' is fail-fast";
            for (String cell : g.tasks()) {
                TaskRun t = s.tasks.get(cell);
                if (t.phase == Phase.WAITING) {
                    done(t, cell, TaskState.SKIPPED, null, reason, c);
                } else if (t.phase == Phase.ACTIVE && t.stopping == null) {
                    stop(cell, t, TaskState.CANCELLED, reason, c);
                }
            }
        }
    }

    private static void stop(String taskId, TaskRun t, TaskState into, String reason, StepChanges c) {
        t.stopping = into;
        t.stopReason = reason;
        t.stopSent = false;
        c.changed = true;
        c.stops.add(new Step.Stop(taskId, t.handle, reason));
    }

    /** Stops decided earlier whose terminate call did not go through are sent again. */
    private static void resendStops(RunState s, StepChanges c) {
        for (Map.Entry<String, TaskRun> e : s.tasks.entrySet()) {
            TaskRun t = e.getValue();
            if (t.phase == Phase.ACTIVE && t.stopping != null && !t.stopSent
                    && c.stops.stream().noneMatch(x -> x.taskId().equals(e.getKey()))) {
                c.stops.add(new Step.Stop(e.getKey(), t.handle, t.stopReason));
            }
        }
    }

    // ---- the graph

    /** A waiting task whose upstream did not succeed is SKIPPED (unless it runs {@code always}). */
    private void skipUnreachable(RunState s, Instant now, StepChanges c) {
        for (TaskSpec spec : graph.order()) {
            TaskRun t = s.tasks.get(spec.id());
            if (t.phase != Phase.WAITING || spec.always()) {
                continue;
            }
            for (String dep : spec.needs()) {
                TaskRun d = s.tasks.get(dep);
                if (d.phase == Phase.DONE && d.state != TaskState.SUCCEEDED) {
                    done(t, spec.id(), TaskState.SKIPPED, null, "upstream task '" + dep + "' " + d.state, c);
                    break;
                }
            }
        }
    }

    private List<Step.Launch> release(RunState s, Instant now, StepChanges c) {
        Map<String, Integer> activeInGroup = new HashMap<>();
        for (Map.Entry<String, TaskRun> e : s.tasks.entrySet()) {
            MatrixGroup g = graph.group(e.getKey());
            Phase p = e.getValue().phase;
            if (g != null && (p == Phase.ACTIVE || p == Phase.SUBMITTING)) {
                activeInGroup.merge(g.id(), 1, Integer::sum);
            }
        }
        List<Step.Launch> launches = new ArrayList<>();
        for (TaskSpec spec : graph.order()) {
            TaskRun t = s.tasks.get(spec.id());
            if (t.phase != Phase.WAITING) {
                continue;
            }
            if (t.notBefore != null && now.isBefore(t.notBefore)) {
                c.wakeAt(t.notBefore);
                continue;
            }
            if (!upstreamAllows(s, spec)) {
                continue;
            }
            MatrixGroup g = graph.group(spec.id());
            if (g != null && g.maxParallel() > 0 && activeInGroup.getOrDefault(g.id(), 0) >= g.maxParallel()) {
                continue;
            }
            if (g != null) {
                activeInGroup.merge(g.id(), 1, Integer::sum);
            }
            t.phase = Phase.SUBMITTING;
            t.attempt++;
            t.submittingSince = now;
            t.notBefore = null;
            launches.add(new Step.Launch(spec.id(), t.attempt));
        }
        return launches;
    }

    /** Upstream tasks all SUCCEEDED — or, for {@code always}, all ended whatever their state. */
    private static boolean upstreamAllows(RunState s, TaskSpec spec) {
        for (String dep : spec.needs()) {
            TaskRun d = s.tasks.get(dep);
            if (spec.always() ? d.phase != Phase.DONE : d.state != TaskState.SUCCEEDED) {
                return false;
            }
        }
        return true;
    }

    // ---- the job

    private void end(RunState s, Instant now, StepChanges c) {
        if (s.finalState != null || s.tasks.values().stream().anyMatch(t -> t.phase != Phase.DONE)) {
            return;
        }
        s.finalState = s.stop != null ? s.stop : finalState(s);
        s.finalReason = s.stop != null ? s.stopReason : reason(s);
        s.endedAt = now;
        c.changed = true;
    }

    static JobState finalState(RunState s) {
        if (s.tasks.values().stream().anyMatch(t -> t.state == TaskState.FAILED)) {
            return JobState.FAILED;
        }
        if (s.tasks.values().stream().anyMatch(t -> t.state == TaskState.TIMED_OUT)) {
            return JobState.TIMED_OUT;
        }
        if (s.tasks.values().stream().anyMatch(t -> t.state == TaskState.CANCELLED)) {
            return JobState.CANCELLED;
        }
        if (s.tasks.values().stream().anyMatch(t -> t.state == TaskState.SKIPPED)) {
            return JobState.FAILED;
        }
        return JobState.SUCCEEDED;
    }

    private static String reason(RunState s) {
        return s.tasks.entrySet().stream()
                .filter(e -> e.getValue().state != TaskState.SUCCEEDED && e.getValue().state != TaskState.SKIPPED)
                .findFirst()
                .map(e -> "task '" + e.getKey() + "' " + e.getValue().state
                        + (e.getValue().reason == null ? "" : ": " + e.getValue().reason))
                .orElse(s.tasks.values().stream().anyMatch(t -> t.state == TaskState.SKIPPED) ? "tasks were skipped" : null);
    }
}
