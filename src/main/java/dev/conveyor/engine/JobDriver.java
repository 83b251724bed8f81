package dev.conveyor.engine;

import dev.conveyor.compute.BackendJob;
import dev.conveyor.compute.ComputeBackend;
import dev.conveyor.compute.ComputeException;
import dev.conveyor.compute.TaskHandle;
import dev.conveyor.compute.TaskLaunch;
import dev.conveyor.compute.TaskObservation;
import dev.conveyor.model.JobSpec;
import dev.conveyor.model.TaskState;
import dev.conveyor.retry.CallPolicy;
import dev.conveyor.storage.ObjectStore;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
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
    private final LaunchFactory launches;
    private final EngineSettings settings;
    private final Clock clock;
    private final Map<String, Map<String, String>> valuesCache = new HashMap<>();
    private final ObjectStore store;
    private BackendJob context;
    private RunState state;
    /** Opened from a saved run state (a re-delivery, a takeover): its first turn may recover at once (recoverSubmitting). */
    private boolean takenOver;

    public JobDriver(JobSpec spec, BackendJob context, ComputeBackend backend, CallPolicy policy, ObjectStore store,
                     EngineSettings settings, Clock clock) {
        this.scheduler = new Scheduler(new JobGraph(spec), settings);
        this.context = context;
        this.backend = backend;
        this.policy = policy;
        this.runs = new RunStore(store);
        this.reports = new WrapperReports(store);
        this.launches = new LaunchFactory(store, settings);
        this.store = store;
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
            recoverSubmitting(now);
            Map<String, Observed> observed = observe(described);
            Step step = scheduler.step(state, observed, cancelReason, now);
            if (step.changed()) {
                runs.save(state);
            }
            boolean launched = submit(step.launches(), now);
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

    /**
     * Attempts left SUBMITTING by a crash (or a failed submit) for longer than the grace period —
     * so never one another live instance is submitting right now: found again on the backend, or
     * submitted again. On a backend whose submit is idempotent, the first turn after this instance
     * took the job over does so at once: a second send of an attempt the other instance is still
     * sending runs it once all the same.
     */
    private void recoverSubmitting(Instant now) throws IOException {
        Duration grace = takenOver && backend.capabilities().idempotentSubmit() ? Duration.ZERO : settings.timeoutGrace();
        takenOver = false;
        List<Step.Launch> stale = new ArrayList<>();
        state.tasks.forEach((id, t) -> {
            if (t.phase == Phase.SUBMITTING && (t.submittingSince == null || !now.isBefore(t.submittingSince.plus(grace)))) {
                stale.add(new Step.Launch(id, t.attempt));
            }
        });
        if (stale.isEmpty()) {
            return;
        }
        // claim the job before touching the backend: a live previous owner loses here (its next save, and
        // with it any further submission of its own, fails); the attempts are this instance's from now
        stale.forEach(l -> state.task(l.taskId()).submittingSince = now);
        runs.save(state);
        List<TaskLaunch> built = build(stale, now);
        Map<String, TaskHandle> found = policy.call("recover", () -> backend.recover(context, built));
        List<Step.Launch> again = new ArrayList<>();
        for (TaskLaunch l : built) {
            TaskHandle h = found.get(l.submissionId());
            if (h != null) {
                activate(l.taskId(), h);
            } else {
                again.add(new Step.Launch(l.taskId(), l.attempt()));
            }
        }
        LOG.infof("job %s: %d interrupted submission(s) found on %s, %d submitted again", state.jobId,
                found.size(), backend.type(), again.size());
        submit(again, now);
        runs.save(state);
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
        TaskObservation failed = new TaskObservation(obs.phase(), null, why, obs.startedAt(), obs.endedAt(),
                obs.infrastructure(), obs.timedOut(), obs.logRef(), obs.terminal());
        return new Observed(failed, false);
    }

    /** The launches, their wrapper scripts stored first — together (at once on S3 or Blob). */
    private List<TaskLaunch> build(List<Step.Launch> ls, Instant now) throws IOException {
        List<TaskLaunch> out = new ArrayList<>(ls.size());
        Map<String, byte[]> scripts = new LinkedHashMap<>();
        for (Step.Launch l : ls) {
            out.add(launches.build(spec(), state, l.taskId(), l.attempt(), backend.capabilities(), valuesCache, now, scripts));
        }
        store.putAll(scripts);
        return out;
    }

    /**
     * Submits in batches; a terminal refusal fails the task with the backend's reason. On a backend
     * with array jobs, the cells of one matrix group released together go as one array (in one call).
     *
     * <p>The attempts were saved SUBMITTING at {@code now}; another instance recovers them (looks them up,
     * submits what the backend never got) once the grace period has passed since. So nothing is sent
     * after the <em>submit window</em> — two thirds of the grace period, the rest covering a request in
     * flight, clocks a little apart and a listing that lags — and a batch that takes longer renews the
     * claim first: the remaining attempts saved SUBMITTING again, a conditional save that fails once a
     * new owner has claimed the job (then this instance sends nothing more). A launch the backend did not
     * send because its window closed stays SUBMITTING, recovered like one a crash left.
     */
    private boolean submit(List<Step.Launch> ls, Instant now) throws IOException {
        if (ls.isEmpty()) {
            return false;
        }
        Duration window = settings.timeoutGrace().multipliedBy(2).dividedBy(3);
        Instant claimed = now;
        List<List<TaskLaunch>> chunks = chunks(build(ls, now));
        for (int c = 0; c < chunks.size(); c++) {
            List<TaskLaunch> chunk = chunks.get(c);
            Instant at = clock.instant();
            if (!at.isBefore(claimed.plus(window.dividedBy(2)))) {
                for (List<TaskLaunch> left : chunks.subList(c, chunks.size())) {
                    left.forEach(l -> state.task(l.taskId()).submittingSince = at);
                }
                runs.save(state); // a RunConflictException: the job has a new owner, which submits them
                claimed = at;
            }
            try {
                List<TaskHandle> handles = submitChunk(chunk, claimed.plus(window));
                int unsent = 0;
                for (int j = 0; j < chunk.size(); j++) {
                    if (handles.get(j) == null) {
                        unsent++; // stays SUBMITTING: recovered after the grace period
                    } else {
                        activate(chunk.get(j).taskId(), handles.get(j));
                    }
                }
                if (unsent > 0) {
                    LOG.warnf("job %s: %d attempt(s) not sent within their submit window; recovered after the grace period",
                            state.jobId, unsent);
                }
            } catch (ComputeException e) {
                if (e.isTransient()) {
                    LOG.warnf("job %s: submitting %d attempt(s) failed for now, will retry: %s", state.jobId, chunk.size(),
                            e.getMessage());
                    continue; // stays SUBMITTING: recovered after the grace period
                }
                for (TaskLaunch l : chunk) {
                    refuse(l.taskId(), "the backend refused the task: " + e.getMessage());
                }
            }
        }
        return true;
    }

    /**
     * One batch under the backend's policy, sent by {@code by}. A retry first asks the backend which
     * launches the failed call did get ({@link ComputeBackend#recover}) and sends only the others — a
     * backend whose submit is not idempotent (AWS Batch) would otherwise run those twice.
     */
    private List<TaskHandle> submitChunk(List<TaskLaunch> chunk, Instant by) {
        BackendJob ctx = context.withSubmitBy(by);
        boolean[] tried = {false};
        return policy.call("submit", () -> {
            if (!tried[0]) {
                tried[0] = true;
                return backend.submit(ctx, chunk);
            }
            List<TaskHandle> out = new ArrayList<>(chunk.size());
            if (!ctx.maySubmit(clock.instant())) { // what the failed call did is found after the grace period
                chunk.forEach(l -> out.add(null));
                return out;
            }
            Map<String, TaskHandle> found = backend.recover(ctx, chunk);
            List<TaskLaunch> rest = chunk.stream().filter(l -> !found.containsKey(l.submissionId())).toList();
            java.util.Iterator<TaskHandle> sent = (rest.isEmpty() ? List.<TaskHandle>of() : backend.submit(ctx, rest)).iterator();
            chunk.forEach(l -> out.add(found.containsKey(l.submissionId()) ? found.get(l.submissionId()) : sent.next()));
            return out;
        });
    }

    /** Array groups (each within the backend's array size) first, one per call; the rest in batches. */
    private List<List<TaskLaunch>> chunks(List<TaskLaunch> built) {
        var caps = backend.capabilities();
        List<List<TaskLaunch>> out = new ArrayList<>();
        List<TaskLaunch> single = new ArrayList<>();
        if (caps.arrayJobs()) {
            Map<String, List<TaskLaunch>> byGroup = new LinkedHashMap<>();
            for (TaskLaunch l : built) {
                var group = scheduler.graph().group(l.taskId());
                if (group == null) {
                    single.add(l);
                } else {
                    byGroup.computeIfAbsent(group.id(), k -> new ArrayList<>()).add(l);
                }
            }
            for (Map.Entry<String, List<TaskLaunch>> g : byGroup.entrySet()) {
                List<TaskLaunch> cells = g.getValue();
                if (cells.size() < 2) {
                    single.addAll(cells);
                    continue;
                }
                for (int i = 0; i < cells.size(); i += caps.maxArraySize()) {
                    List<TaskLaunch> part = cells.subList(i, Math.min(cells.size(), i + caps.maxArraySize()));
                    String array = g.getKey() + "-" + part.get(0).submissionId().hashCode();
                    List<TaskLaunch> marked = new ArrayList<>(part.size());
                    for (int k = 0; k < part.size(); k++) {
                        marked.add(part.get(k).inArray(array, k));
                    }
                    out.add(marked);
                }
            }
        } else {
            single.addAll(built);
        }
        int batch = Math.max(1, caps.maxBatch());
        for (int i = 0; i < single.size(); i += batch) {
            out.add(single.subList(i, Math.min(single.size(), i + batch)));
        }
        return out;
    }

    private void activate(String taskId, TaskHandle h) {
        TaskRun t = state.task(taskId);
        t.phase = Phase.ACTIVE;
        t.handle = h.ref();
        t.submittingSince = null;
    }

    private void refuse(String taskId, String reason) {
        TaskRun t = state.task(taskId);
        t.attempts.add(new Attempt(t.attempt, TaskState.FAILED, null, reason, null, clock.instant(), false, false,
                null, null));
        t.phase = Phase.DONE;
        t.state = TaskState.FAILED;
        t.reason = reason;
        t.submittingSince = null;
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
