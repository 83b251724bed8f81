package dev.conveyor.testing;

import dev.conveyor.compute.BackendJob;
import dev.conveyor.compute.ComputeBackend;
import dev.conveyor.credentials.Profile;
import dev.conveyor.engine.Attempt;
import dev.conveyor.engine.EngineSettings;
import dev.conveyor.engine.JobDriver;
import dev.conveyor.engine.RunState;
import dev.conveyor.engine.TaskRun;
import dev.conveyor.model.JobSpec;
import dev.conveyor.retry.CallPolicy;
import dev.conveyor.retry.RetrySettings;
import dev.conveyor.storage.JobKeys;
import dev.conveyor.storage.ObjectStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;

import static org.awaitility.Awaitility.await;

/**
 * Runs jobs through the engine on one backend, as monitoring does — describe the job's handles,
 * let its driver advance — without Kafka. For the compute contract suite and engine tests.
 */
public final class EngineRun {
    private final ComputeBackend backend;
    private final ObjectStore store;
    private final EngineSettings settings;
    private final CallPolicy policy;

    public EngineRun(ComputeBackend backend, ObjectStore store, EngineSettings settings) {
        this.backend = backend;
        this.store = store;
        this.settings = settings;
        this.policy = new CallPolicy(backend.type(), RetrySettings.quick(5));
    }

    public ObjectStore store() {
        return store;
    }

    public ComputeBackend backend() {
        return backend;
    }

    /** A driver for the job with these provider options (resolved), opened: the job exists on the backend. */
    public JobDriver open(JobSpec spec, Map<String, String> options) {
        BackendJob job = new BackendJob(spec.id(), spec.name(), options, new Profile("default", null, null, Map.of()),
                spec.labels(), null, Map.of());
        JobDriver d = new JobDriver(spec, job, backend, policy, store, settings, Clock.systemUTC());
        try {
            d.open();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return d;
    }

    public JobDriver open(JobSpec spec) {
        return open(spec, Map.of());
    }

    /** One monitoring turn for the job. */
    public JobDriver.Advance turn(JobDriver d, String cancelReason) {
        try {
            return d.advance(backend.describe(d.activeHandles()), cancelReason);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Turns until {@code until} holds for the run state. */
    public RunState runUntil(JobDriver d, Predicate<RunState> until, Duration atMost) {
        await().atMost(atMost).pollInterval(Duration.ofMillis(50)).until(() -> {
            turn(d, null);
            return until.test(d.state());
        });
        return d.state();
    }

    public RunState runToEnd(JobDriver d, Duration atMost) {
        return runUntil(d, RunState::ended, atMost);
    }

    public RunState runToEnd(JobSpec spec, Duration atMost) {
        return runToEnd(open(spec), atMost);
    }

    /** What the attempt wrote to a returned file (stdout.txt, stderr.txt, values.env), or null. */
    public String returned(String jobId, String taskId, int attempt, String file) {
        try {
            return store.read(JobKeys.attempt(jobId, taskId, attempt) + file, 1 << 20)
                    .map(b -> new String(b, StandardCharsets.UTF_8)).orElse(null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String stdout(RunState s, String taskId) {
        Attempt last = s.task(taskId).lastAttempt();
        return last == null ? null : returned(s.jobId, taskId, last.attempt(), "stdout.txt");
    }

    public static TaskRun task(RunState s, String taskId) {
        return s.task(taskId);
    }
}
