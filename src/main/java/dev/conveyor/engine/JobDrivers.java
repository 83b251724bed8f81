package dev.conveyor.engine;

import dev.conveyor.compute.BackendJob;
import dev.conveyor.compute.ComputeBackend;
import dev.conveyor.compute.ComputeBackends;
import dev.conveyor.credentials.Profile;
import dev.conveyor.model.JobSpec;
import dev.conveyor.retry.CallPolicy;
import dev.conveyor.retry.RetrySettings;
import dev.conveyor.storage.ObjectStore;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Makes the {@link JobDriver} of a job: its backend (by {@code runsOn.type}), the backend's one
 * {@link CallPolicy}, and the backend's view of the job with its options resolved.
 */
public final class JobDrivers {
    private final ComputeBackends backends;
    private final ObjectStore store;
    private final ProviderOptions options;
    private final EngineSettings settings;
    private final Function<String, RetrySettings> retrySettings;
    private final Clock clock;
    private final Map<String, CallPolicy> policies = new ConcurrentHashMap<>();

    private volatile dev.conveyor.retry.CallObserver callObserver = dev.conveyor.retry.CallObserver.NONE;

    public JobDrivers(ComputeBackends backends, ObjectStore store, ProviderOptions options, EngineSettings settings,
                      Function<String, RetrySettings> retrySettings, Clock clock) {
        this.backends = backends;
        this.store = store;
        this.options = options;
        this.settings = settings;
        this.retrySettings = retrySettings;
        this.clock = clock;
    }

    public ComputeBackends backends() {
        return backends;
    }

    /** The one policy of a backend: its retries, backoff and pacing are shared by every job on it. */
    public CallPolicy policy(String backendType) {
        return policies.computeIfAbsent(backendType, t -> {
            CallPolicy p = new CallPolicy(t, retrySettings.apply(t));
            p.observeCalls(callObserver);
            return p;
        });
    }

    /** Told about every backend call attempt of every policy, those made so far and later ones (metrics). */
    public void observeCalls(dev.conveyor.retry.CallObserver observer) {
        this.callObserver = observer;
        policies.values().forEach(p -> p.observeCalls(observer));
    }

    /** Releases what the job held on its backend (its Batch job, working folders). Idempotent. */
    public void release(JobSpec spec, Map<String, String> environment) {
        JobDriver d = driver(spec);
        BackendJob job = d.context().withEnvironment(environment);
        policy(d.backend().type()).run("release", () -> d.backend().release(job));
    }

    /**
     * Releases a job a backend still holds resources for although nothing drives it (the orphan
     * reaper): with its spec when the store still has it, else with only its id and the default profile.
     */
    public void releaseOrphan(ComputeBackend backend, String jobId, JobSpec spec, Map<String, String> environment) {
        BackendJob job;
        if (spec != null) {
            job = driver(spec).context().withEnvironment(environment);
        } else {
            Profile profile = options.profile(new dev.conveyor.model.RunsOn(backend.type(), Map.of()));
            job = new BackendJob(jobId, jobId, profile.defaults(), profile, Map.of(), null, environment);
        }
        policy(backend.type()).run("release", () -> backend.release(job));
    }

    /** @throws dev.conveyor.compute.TerminalComputeException for an unknown backend, profile or variable */
    public JobDriver driver(JobSpec spec) {
        ComputeBackend backend = backends.get(spec.runsOn().type());
        Profile profile = options.profile(spec.runsOn());
        BackendJob job = new BackendJob(spec.id(), spec.name(), options.resolve(spec.runsOn(), profile), profile,
                spec.labels(), null, Map.of()); // the deadline comes from the run state, on open

        return new JobDriver(spec, job, backend, policy(backend.type()), store, settings, clock);
    }
}
