package dev.conveyor.monitoring;

import dev.conveyor.compute.ComputeBackend;
import dev.conveyor.compute.ComputeException;
import dev.conveyor.compute.TaskHandle;
import dev.conveyor.compute.TaskObservation;
import dev.conveyor.engine.Attempt;
import dev.conveyor.engine.JobDriver;
import dev.conveyor.engine.JobDrivers;
import dev.conveyor.engine.Phase;
import dev.conveyor.engine.RunState;
import dev.conveyor.engine.Step;
import dev.conveyor.engine.TaskRun;
import dev.conveyor.messaging.JobLogContext;
import dev.conveyor.model.JobSpec;
import dev.conveyor.model.JobState;
import dev.conveyor.model.TaskState;
import dev.conveyor.model.events.JobCompleted;
import dev.conveyor.model.events.JobDispatched;
import dev.conveyor.model.events.JobStatusEvent;
import dev.conveyor.model.events.JobStatusEvent.TaskCounts;
import dev.conveyor.retry.CallPolicy;
import dev.conveyor.storage.JobSpecs;
import dev.conveyor.storage.ObjectStore;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Watches running jobs, backend by backend: one describe call over every watched handle of a
 * backend per cycle (the backend batches it as its service allows), then each job's driver takes
 * in what changed — releasing, retrying, skipping, stopping — and what it decided becomes status
 * events and, at the end, the job's completion. Plain: the stage runs the cycles and publishes.
 */
public final class MonitoringService {
    private static final Logger LOG = Logger.getLogger(MonitoringService.class);
    private static final String STAGE = "monitoring";

    private final JobDrivers drivers;
    private final JobSpecs specs;
    private final Clock clock;
    private final CallPolicy policy;
    private final Map<String, Watch> watches = new ConcurrentHashMap<>();
    /** Per backend, the attempts its last cycle described (the tasks-in-flight gauge). */
    private final Map<String, Integer> activeTasks = new java.util.concurrent.ConcurrentHashMap<>();

    /** @param policy the stage's: a store away for a moment is waited for while a job is taken in, not the job failed */
    public MonitoringService(JobDrivers drivers, ObjectStore store, Clock clock, CallPolicy policy) {
        this.drivers = drivers;
        this.specs = new JobSpecs(store);
        this.clock = clock;
        this.policy = policy;
    }

    /** What one job's turn in a cycle produced. */
    /** @param launched attempts were submitted in this turn (the next cycle should come at once) */
    public record Outcome(String jobId, Object token, List<JobStatusEvent> events, Optional<JobCompleted> completed,
                          boolean launched) {
    }

    public enum Started { WATCHING, ALREADY_WATCHED, ALREADY_DONE }

    /**
     * Starts watching a dispatched job (resuming it from its saved run state) — one without its
     * result yet: the stage asks that first, with the cancel ({@code CancelRegistry.check}).
     *
     * @param token        what the stage acknowledges once the job's completion is published
     * @param cancelReason why the job was cancelled before it came here, or null
     * @param runRead      what the stage read at {@link dev.conveyor.engine.RunStore#keysFrom} for the event's run
     *                     version, together with its check (one round trip's wait on S3 or Blob)
     */
    public Started watch(JobDispatched event, Object token, String cancelReason, List<Optional<byte[]>> runRead) throws IOException {
        if (watches.containsKey(event.jobId())) {
            return Started.ALREADY_WATCHED;
        }
        JobSpec spec = policy.call("spec", () -> specs.load(event.specKey(), event.specHash()));
        JobDriver driver = drivers.driver(spec);
        if (!policy.call("open", () -> driver.open(event.runVersion(), runRead))) {
            LOG.warnf("job %s had no saved run state; it starts now", event.jobId());
        }
        Watch w = new Watch(driver, event, token);
        w.cancelReason = cancelReason;
        return watches.putIfAbsent(event.jobId(), w) == null ? Started.WATCHING : Started.ALREADY_WATCHED;
    }

    /** Stops the job at its next turn if this instance watches it; returns whether it does. */
    public boolean cancel(String jobId, String reason) {
        Watch w = watches.get(jobId);
        if (w == null) {
            return false;
        }
        w.cancelReason = reason;
        return true;
    }

    /** Forgets jobs (their partition went to another instance): no more decisions for them here. */
    public void drop(Collection<String> jobIds) {
        jobIds.forEach(watches::remove);
    }

    /**
     * Forgets one finished job, once its completion is on the broker — the watch that held {@code token}
     * only: if the job's partition went away and came back meanwhile, the newer watch (holding the record
     * delivered again) stays, to be acknowledged at its own turn.
     */
    public void done(String jobId, Object token) {
        watches.computeIfPresent(jobId, (id, w) -> w.token == token ? null : w);
    }

    /** The job's completion was not taken: its next turn (next cycle) sends it again. */
    public void completionRefused(String jobId, Object token) {
        Watch w = watches.get(jobId);
        if (w != null && w.token == token) {
            w.completing = false;
            w.due = true;
        }
    }

    public Collection<String> backendsWatched() {
        return watches.values().stream().map(Watch::backend).distinct().toList();
    }

    public int watching() {
        return watches.size();
    }

    /** Attempts on their backends (submitted, queued or running) in the jobs watched here, as of each backend's last cycle. */
    public int tasksInFlight() {
        return activeTasks.values().stream().mapToInt(Integer::intValue).sum();
    }

    public Map<String, Object> tokens() {
        Map<String, Object> out = new HashMap<>();
        watches.forEach((id, w) -> out.put(id, w.token));
        return out;
    }

    /**
     * One cycle over every watched job of {@code backend}: one describe call for all their handles, then each
     * job's turn (on {@code turns}, so several jobs advance at once), each job's outcome handed to {@code each}
     * as soon as its turn ends (on the turn's thread, before the job's next turn can start) — what a job produced
     * does not wait for the slowest turn of the cycle. Returns what each job produced.
     */
    public List<Outcome> cycle(String backend, java.util.concurrent.Executor turns, java.util.function.Consumer<Outcome> each) {
        List<Watch> mine = watches.values().stream().filter(w -> w.backend().equals(backend)).toList();
        if (mine.isEmpty()) {
            activeTasks.remove(backend);
            return List.of();
        }
        ComputeBackend b = drivers.backends().get(backend);
        List<TaskHandle> handles = new ArrayList<>();
        mine.forEach(w -> handles.addAll(w.driver.activeHandles()));
        activeTasks.put(backend, handles.size());
        Map<TaskHandle, TaskObservation> described = Map.of();
        if (!handles.isEmpty()) {
            try {
                described = drivers.policy(backend).call("describe", () -> b.describe(handles));
            } catch (ComputeException e) {
                LOG.warnf("describing %d attempt(s) on %s failed, will retry: %s", handles.size(), backend, e.getMessage());
                return List.of();
            }
        }
        Map<String, Map<TaskHandle, TaskObservation>> byJob = new HashMap<>();
        described.forEach((h, o) -> byJob.computeIfAbsent(h.jobId(), k -> new HashMap<>()).put(h, o));
        List<Outcome> out = java.util.Collections.synchronizedList(new ArrayList<>());
        List<java.util.concurrent.CompletableFuture<Void>> running = new ArrayList<>();
        for (Watch w : mine) {
            if (!w.busy.compareAndSet(false, true)) {
                continue;
            }
            Map<TaskHandle, TaskObservation> mineObserved = byJob.getOrDefault(w.jobId(), Map.of());
            if (!w.needsTurn(mineObserved, clock.instant())) {
                w.busy.set(false);
                continue;
            }
            // the job's id in the MDC for its turn: its logs name it, its backend calls join its trace
            running.add(java.util.concurrent.CompletableFuture.runAsync(() -> JobLogContext.with(w.jobId(), () -> {
                try {
                    Outcome o = turn(w, mineObserved);
                    out.add(o);
                    each.accept(o);
                } catch (IOException | RuntimeException e) {
                    w.turned(null, true);
                    LOG.warnf(e, "job %s: this turn failed, the next one retries", w.jobId());
                } finally {
                    w.busy.set(false);
                }
                return null;
            }), turns));
        }
        java.util.concurrent.CompletableFuture.allOf(running.toArray(java.util.concurrent.CompletableFuture[]::new)).join();
        return out;
    }

    private Outcome turn(Watch w, Map<TaskHandle, TaskObservation> observed) throws IOException {
        JobDriver.Advance a = w.driver.advance(observed, w.cancelReason);
        w.turned(a.nextWake(), a.launched() || a.ended());
        RunState s = w.driver.state();
        Instant now = clock.instant();
        TaskCounts counts = counts(s);
        List<JobStatusEvent> events = new ArrayList<>();
        if (!w.announced) {
            w.announced = true;
            events.add(new JobStatusEvent(s.jobId, STAGE, "RUNNING", null, null,
                    "watching " + JobStatusEvent.tasks(s.tasks.size()) + " on " + s.backend, counts, now));
        }
        for (Step.TaskEvent e : a.events()) {
            String state = e.retrying() ? "RETRYING" : e.state().name();
            String message = e.retrying() ? "attempt " + e.attempt() + " " + e.state() + (e.reason() == null ? "" : ": " + e.reason())
                    : e.reason();
            events.add(new JobStatusEvent(s.jobId, STAGE, state, e.taskId(), e.attempt() == 0 ? null : e.attempt(),
                    message, counts, now));
        }
        Optional<JobCompleted> completed = Optional.empty();
        if (s.ended() && !w.completing) {
            w.completing = true;
            completed = Optional.of(completion(w, s));
        }
        return new Outcome(s.jobId, w.token, events, completed, a.launched());
    }

    private static JobCompleted completion(Watch w, RunState s) {
        Instant started = s.tasks.values().stream().flatMap(t -> t.attempts.stream()).map(Attempt::startedAt)
                .filter(Objects::nonNull).min(Instant::compareTo).orElse(null);
        JobSpec spec = w.driver.spec();
        return new JobCompleted(s.jobId, spec.name(), s.finalState, s.finalReason, List.of(), w.event.specKey(),
                w.event.specHash(), w.event.request(), true, spec.submittedAt(), started, s.endedAt, s.version);
    }

    static TaskCounts counts(RunState s) {
        int pending = 0, running = 0, succeeded = 0, failed = 0, skipped = 0;
        for (TaskRun t : s.tasks.values()) {
            if (t.phase != Phase.DONE) {
                if (t.state == TaskState.RUNNING) {
                    running++;
                } else {
                    pending++;
                }
                continue;
            }
            switch (t.state) {
                case SUCCEEDED -> succeeded++;
                case SKIPPED -> skipped++;
                default -> failed++;
            }
        }
        return new TaskCounts(s.tasks.size(), pending, running, succeeded, failed, skipped);
    }

    /** A job that cannot be watched at all (its spec or run state unreadable): it fails with the reason. */
    public static JobCompleted failed(JobDispatched event, String reason, Instant at) {
        return JobCompleted.beforeRun(event.jobId(), event.jobId(), event.specKey(), event.specHash(), event.request(),
                null, JobState.FAILED, reason, at);
    }
}
