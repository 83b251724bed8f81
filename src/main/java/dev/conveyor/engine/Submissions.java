package dev.conveyor.engine;

import dev.conveyor.compute.BackendJob;
import dev.conveyor.compute.ComputeBackend;
import dev.conveyor.compute.ComputeException;
import dev.conveyor.compute.TaskHandle;
import dev.conveyor.compute.TaskLaunch;
import dev.conveyor.model.TaskState;
import dev.conveyor.retry.CallPolicy;
import dev.conveyor.storage.ObjectStore;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a job's attempts reach its backend exactly once, for {@link JobDriver}: the launches built and their
 * wrapper scripts stored, sent in batches (a matrix group as one array where the backend has them) within
 * each attempt's submit window, the claim renewed for a long batch, a retried call sending only what the
 * failed one did not get through, and what a crash left SUBMITTING found again or sent. The run state is
 * the driver's, changed here and saved through the same {@link RunStore}.
 */
final class Submissions {
    private static final Logger LOG = Logger.getLogger(Submissions.class);

    private final JobGraph graph;
    private final ComputeBackend backend;
    private final CallPolicy policy;
    private final RunStore runs;
    private final LaunchFactory launches;
    private final ObjectStore store;
    private final EngineSettings settings;
    private final Clock clock;
    private final Map<String, Map<String, String>> valuesCache = new HashMap<>();

    Submissions(JobGraph graph, ComputeBackend backend, CallPolicy policy, RunStore runs, LaunchFactory launches,
                ObjectStore store, EngineSettings settings, Clock clock) {
        this.graph = graph;
        this.backend = backend;
        this.policy = policy;
        this.runs = runs;
        this.launches = launches;
        this.store = store;
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * Attempts left SUBMITTING by a crash (or a failed submit) for longer than the grace period —
     * so never one another live instance is submitting right now: found again on the backend, or
     * submitted again. {@code atOnce}: whatever their age — the first turn after this instance took the job
     * over, on a backend whose submit is idempotent (a second send of an attempt the other instance is still
     * sending runs it once all the same).
     */
    void recover(RunState state, BackendJob context, Instant now, boolean atOnce) throws IOException {
        Duration grace = atOnce ? Duration.ZERO : settings.timeoutGrace();
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
        List<TaskLaunch> built = build(state, stale, now);
        Map<String, TaskHandle> found = policy.call("recover", () -> backend.recover(context, built));
        List<TaskLaunch> again = new ArrayList<>();
        for (TaskLaunch l : built) {
            TaskHandle h = found.get(l.submissionId());
            if (h != null) {
                activate(state, l.taskId(), h);
            } else {
                again.add(l); // its wrapper script stored already
            }
        }
        LOG.infof("job %s: %d interrupted submission(s) found on %s, %d submitted again", state.jobId,
                found.size(), backend.type(), again.size());
        send(state, context, again, now);
        runs.save(state);
    }

    /** The launches, their wrapper scripts stored first — together (at once on S3 or Blob). */
    private List<TaskLaunch> build(RunState state, List<Step.Launch> ls, Instant now) throws IOException {
        List<TaskLaunch> out = new ArrayList<>(ls.size());
        Map<String, byte[]> scripts = new LinkedHashMap<>();
        for (Step.Launch l : ls) {
            out.add(launches.build(graph.spec(), state, l.taskId(), l.attempt(), backend.capabilities(), valuesCache, now, scripts));
        }
        store.putAll(scripts);
        return out;
    }

    /**
     * Submits the released attempts in batches, their wrapper scripts stored first; a terminal refusal
     * fails the task with the backend's reason. On a backend with array jobs, the cells of one matrix
     * group released together go as one array (in one call). Returns whether there were any.
     *
     * <p>The attempts were saved SUBMITTING at {@code now}; another instance recovers them (looks them up,
     * submits what the backend never got) once the grace period has passed since. So nothing is sent
     * after the <em>submit window</em> — two thirds of the grace period, the rest covering a request in
     * flight, clocks a little apart and a listing that lags — and a batch that takes longer renews the
     * claim first: the remaining attempts saved SUBMITTING again, a conditional save that fails once a
     * new owner has claimed the job (then this instance sends nothing more). A launch the backend did not
     * send because its window closed stays SUBMITTING, recovered like one a crash left.
     */
    boolean submit(RunState state, BackendJob context, List<Step.Launch> ls, Instant now) throws IOException {
        if (ls.isEmpty()) {
            return false;
        }
        send(state, context, build(state, ls, now), now);
        return true;
    }

    /** {@link #submit} of launches built already. */
    private void send(RunState state, BackendJob context, List<TaskLaunch> built, Instant now) throws IOException {
        Duration window = settings.timeoutGrace().multipliedBy(2).dividedBy(3);
        Instant claimed = now;
        List<List<TaskLaunch>> chunks = chunks(built);
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
                List<TaskHandle> handles = submitChunk(context, chunk, claimed.plus(window));
                int unsent = 0;
                for (int j = 0; j < chunk.size(); j++) {
                    if (handles.get(j) == null) {
                        unsent++; // stays SUBMITTING: recovered after the grace period
                    } else {
                        activate(state, chunk.get(j).taskId(), handles.get(j));
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
                    refuse(state, l.taskId(), "the backend refused the task: " + e.getMessage());
                }
            }
        }
    }

    /**
     * One batch under the backend's policy, sent by {@code by}. A retry first asks the backend which
     * launches the failed call did get ({@link ComputeBackend#recover}) and sends only the others — a
     * backend whose submit is not idempotent (AWS Batch) would otherwise run those twice.
     */
    private List<TaskHandle> submitChunk(BackendJob context, List<TaskLaunch> chunk, Instant by) {
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
                var group = graph.group(l.taskId());
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

    private static void activate(RunState state, String taskId, TaskHandle h) {
        TaskRun t = state.task(taskId);
        t.phase = Phase.ACTIVE;
        t.handle = h.ref();
        t.submittingSince = null;
    }

    private void refuse(RunState state, String taskId, String reason) {
        TaskRun t = state.task(taskId);
        t.attempts.add(new Attempt(t.attempt, TaskState.FAILED, null, reason, null, clock.instant(), false, false,
                null, null));
        t.phase = Phase.DONE;
        t.state = TaskState.FAILED;
        t.reason = reason;
        t.submittingSince = null;
    }
}
