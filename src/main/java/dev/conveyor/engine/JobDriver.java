package dev.conveyor.engine;

import dev.conveyor.compute.BackendJob;
import dev.conveyor.compute.ComputeBackend;
import dev.conveyor.compute.ComputeException;
import dev.conveyor.compute.TaskHandle;
import dev.conveyor.compute.TaskObservation;
import dev.conveyor.model.JobSpec;
import dev.conveyor.retry.CallPolicy;
import dev.conveyor.storage.ObjectStore;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Drives one job on its backend with the {@link Scheduler}: every decision is saved
 * ({@link RunStore}) before it is acted on — an attempt is SUBMITTING in a saved state before the
 * submit call, and its handle is saved before anything else happens — so an instance that takes the
 * job over resumes it without resubmitting. Backend calls go through the backend's {@link CallPolicy}.
 * Not thread-safe: one caller at a time per job.
 */
public final class JobDriver {
    private static final Logger LOG = Logger.getLogger(JobDriver.class);

    private final Scheduler scheduler;
    private final ComputeBackend backend;
    private final CallPolicy policy;
    private final RunStore runs;
    private final WrapperReports reports;
    private final EngineSettings settings;
    private final Clock clock;
    private final Submissions submissions;
    private BackendJob context;
    private RunState state;
    /** Opened from a saved run state (a re-delivery, a takeover): its first turn may recover at once ({@link Submissions#recover}). */
    private boolean takenOver;

    public JobDriver(JobSpec spec, BackendJob context, ComputeBackend backend, CallPolicy policy, ObjectStore store,
                     EngineSettings settings, Clock clock) {
        this.scheduler = new Scheduler(new JobGraph(spec), settings);
        this.context = context;
        this.backend = backend;
        this.policy = policy;
        this.runs = new RunStore(store);
        this.reports = new WrapperReports(store);
        this.submissions = new Submissions(scheduler.graph(), backend, policy, runs, new LaunchFactory(store, settings), store,
                settings, clock);
        this.settings = settings;
        this.clock = clock;
    }

    public JobSpec spec() {
        return scheduler.graph().spec();
    }

    public RunState state() {
        return state;
    }

    public ComputeBackend backend() {
        return backend;
    }

    public BackendJob context() {
        return context;
    }

    /**
     * Loads the job's saved state, or — first time — makes sure the backend's environment exists
     * and saves the initial state. Returns whether the job was already known (re-delivery, takeover).
     */
    public boolean open() throws IOException {
        return opened(runs.latest(spec().id()));
    }

    /**
     * {@link #open()} starting from a version of the run state an event named (see {@link RunStore#latest(String, Long)}),
     * given what was read at {@link RunStore#keysFrom} for it — read together with the caller's own documents.
     */
    public boolean open(Long knownVersion, List<Optional<byte[]>> read) throws IOException {
        return opened(runs.latest(spec().id(), knownVersion, read));
    }

    private boolean opened(Optional<RunState> saved) throws IOException {
        if (saved.isPresent()) {
            state = saved.get();
            takenOver = true;
            context = context.withEnvironment(state.environment).withDeadline(state.deadline);
            backend.resume(context);
            return true;
        }
        RunState s = scheduler.newRun(backend.type(), clock.instant());
        context = context.withDeadline(s.deadline);
        Map<String, String> env = policy.call("ensureEnvironment", () -> backend.ensureEnvironment(context));
        context = context.withEnvironment(env);
        s.environment.putAll(env);
        try {
            runs.save(s);
        } catch (RunStore.RunConflictException e) {
            // another instance opened the job meanwhile (a rebalance, or a save of ours that failed after it
            // landed and is being retried): its run state is the job's, this one resumes it
            LOG.infof("job %s was opened elsewhere (%s); resuming its run state", s.jobId, e.getMessage());
            Optional<RunState> theirs = runs.latest(s.jobId);
            if (theirs.isEmpty()) {
                throw e;
            }
            return opened(theirs);
        }
        state = s;
        return false;
    }

    /** The handles of attempts the backend has now (what monitoring describes). */
    public List<TaskHandle> activeHandles() {
        List<TaskHandle> out = new ArrayList<>();
        state.tasks.forEach((id, t) -> {
            if (t.phase == Phase.ACTIVE && t.handle != null) {
                out.add(handle(id, t));
            }
        });
        return out;
    }

    private TaskHandle handle(String taskId, TaskRun t) {
        return new TaskHandle(backend.type(), state.jobId, taskId, t.attempt, t.handle);
    }

    /** What one advance did: the task events to publish, and whether the job has ended. */
    /** @param launched whether attempts were submitted (a quick backend may report on them at once) */
    public record Advance(List<Step.TaskEvent> events, boolean ended, Instant nextWake, boolean changed, boolean launched) {
    }

    /**
     * Takes in what the backend said about this job's handles, lets the scheduler decide, saves,
     * then submits the released attempts and stops what must stop.
     */
    public Advance advance(Map<TaskHandle, TaskObservation> described, String cancelReason) throws IOException {
        Instant now = clock.instant();
        if (state.ended()) {
            return new Advance(List.of(), true, null, false, false);
        }
        try {
            // what a crash (or a closed window) left SUBMITTING; at once after a takeover where a second send runs once
            boolean atOnce = takenOver && backend.capabilities().idempotentSubmit();
            takenOver = false;
            submissions.recover(state, context, now, atOnce);
            Map<String, Observed> observed = observe(described);
            Step step = scheduler.step(state, observed, cancelReason, now);
            if (step.changed()) {
                runs.save(state);
            }
            boolean launched = submissions.submit(state, context, step.launches(), now);
            boolean stopped = stop(step.stops());
            if (launched || stopped) {
                runs.save(state);
            }
            return new Advance(step.events(), state.ended(), wake(step.nextWake()), step.changed() || launched || stopped,
                    launched);
        } catch (RunStore.RunConflictException e) {
            LOG.infof("job %s moved on elsewhere (%s); reloading its state", state.jobId, e.getMessage());
            state = runs.latest(state.jobId).orElseThrow();
            // whoever saved it may drive the job no further (a dispatcher that has handed it on, an instance that
            // died right after): another turn from the newer state soon — with no wake-up a job whose attempts
            // have no handles yet would wait for news that never comes. What that instance left submitting is
            // this one's to recover, as after any takeover.
            takenOver = true;
            return new Advance(List.of(), state.ended(), state.ended() ? null : wake(clock.instant().plusSeconds(1)),
                    false, false);
        }
    }

    /** The step's own wake-up, or earlier when a SUBMITTING attempt becomes due for recovery, or a stop is to be sent again. */
    private Instant wake(Instant stepWake) {
        Instant at = stepWake;
        for (TaskRun t : state.tasks.values()) {
            Instant due = null;
            if (t.phase == Phase.SUBMITTING && t.submittingSince != null) {
                due = t.submittingSince.plus(settings.timeoutGrace());
            } else if (t.phase == Phase.ACTIVE && t.stopping != null && !t.stopSent) {
                due = clock.instant().plusSeconds(1);
            }
            if (due != null && (at == null || due.isBefore(at))) {
                at = due;
            }
        }
        return at;
    }

    private Map<String, Observed> observe(Map<TaskHandle, TaskObservation> described) throws IOException {
        Map<TaskHandle, TaskObservation> ours = new LinkedHashMap<>();
        for (Map.Entry<TaskHandle, TaskObservation> e : described.entrySet()) {
            TaskHandle h = e.getKey();
            TaskRun t = state.tasks.get(h.taskId());
            if (!state.jobId.equals(h.jobId()) || t == null || t.phase != Phase.ACTIVE || t.attempt != h.attempt()) {
                continue;
            }
            ours.put(h, e.getValue());
        }
        // the exit codes of the attempts that ended, read together (at once on S3 or Blob)
        List<TaskHandle> ended = backend.capabilities().runsWrapper() ? ours.entrySet().stream()
                .filter(e -> finished(e.getValue())).map(Map.Entry::getKey).toList() : List.of();
        Map<TaskHandle, Optional<Integer>> codes = reports.exitCodes(ended);
        // then the outputs of those that reported, and declared any (the wrapper returns an archive of declared outputs only)
        reports.unpackOutputs(ended.stream().filter(h -> codes.get(h).isPresent()
                && !scheduler.graph().task(h.taskId()).outputs().isEmpty()).toList());
        Map<String, Observed> out = new LinkedHashMap<>();
        for (Map.Entry<TaskHandle, TaskObservation> e : ours.entrySet()) {
            out.put(e.getKey().taskId(), withReport(e.getKey(), e.getValue(), codes.get(e.getKey())));
        }
        return out;
    }

    private static boolean finished(TaskObservation obs) {
        return obs.phase() == TaskObservation.Phase.ENDED || obs.phase() == TaskObservation.Phase.LOST;
    }

    /** For a finished attempt, the wrapper's own report is the truth about the command's exit code. */
    private Observed withReport(TaskHandle h, TaskObservation obs, Optional<Integer> code) {
        if (code == null) { // not ended, or a backend that runs no wrapper
            return Observed.of(obs);
        }
        if (code.isPresent()) { // its outputs unpacked already (observe)
            TaskObservation ended = new TaskObservation(TaskObservation.Phase.ENDED, code.get(),
                    code.get() == 0 ? null : obs.reason(), obs.startedAt(), obs.endedAt(),
                    obs.infrastructure() && code.get() != 0, obs.timedOut(), obs.logRef(), obs.terminal() && code.get() != 0);
            return new Observed(ended, true);
        }
        String why = "the task wrapper did not report"
                + (obs.exitCode() == null ? "" : " (exit code " + obs.exitCode() + ")")
                + (obs.reason() == null ? "" : ": " + obs.reason());
        // the wrapper's own exit codes: it could not fetch what the attempt needs (or the bootstrap the wrapper), or
        // could not return what it made — the store's trouble (down, a connection reset mid-transfer), not the command's
        boolean wrapperTrouble = obs.exitCode() != null
                && (obs.exitCode() == TaskWrapper.SETUP_FAILED || obs.exitCode() == TaskWrapper.RETURN_FAILED);
        TaskObservation failed = new TaskObservation(obs.phase(), null, why, obs.startedAt(), obs.endedAt(),
                obs.infrastructure() || wrapperTrouble, obs.timedOut(), obs.logRef(), obs.terminal() && !wrapperTrouble);
        return new Observed(failed, false);
    }

    private boolean stop(List<Step.Stop> stops) {
        List<TaskHandle> handles = new ArrayList<>();
        for (Step.Stop s : stops) {
            TaskRun t = state.task(s.taskId());
            if (t.phase == Phase.ACTIVE && t.handle != null) {
                handles.add(handle(s.taskId(), t));
            }
        }
        if (handles.isEmpty()) {
            return false;
        }
        try {
            policy.run("terminate", () -> backend.terminate(context, handles, stops.get(0).reason()));
            handles.forEach(h -> state.task(h.taskId()).stopSent = true);
        } catch (ComputeException | UncheckedIOException e) {
            LOG.warnf("job %s: stopping %d attempt(s) failed, will retry: %s", state.jobId, handles.size(), e.getMessage());
        }
        return true;
    }
}
