package dev.conveyor.compute;

import java.util.List;
import java.util.Map;

/**
 * The compute SPI, shaped like every batch service: make sure the environment exists, submit a
 * batch of ready task attempts and get durable handles back, describe many handles at once
 * <em>across jobs</em>, terminate, release. Implementations: {@code local}, {@code noop},
 * {@code azure-batch}, {@code aws-batch}, with the same verbs in each.
 *
 * <p>Backends know nothing of workflow semantics: which task is ready, retried, skipped or
 * cancelled, how many cells of a matrix run, what a task receives — the engine decides all of that
 * and hands over ready attempts ({@link TaskLaunch}) whose command is the generated task wrapper.
 * Calls may block (callers run them off the event loop). Failures are
 * {@link TransientComputeException} (may succeed later, with Retry-After when the service said) or
 * {@link TerminalComputeException} (a code and the service's message). Every implementation runs
 * the same contract suite ({@code ComputeBackendContract} in the tests).
 */
public interface ComputeBackend {

    /** The {@code runsOn.type} this backend serves. */
    String type();

    /** What the backend offers natively; the engine uses it when present. */
    Capabilities capabilities();

    /**
     * Make sure what the job runs on exists — pool, job definition, queue, the backend's own job
     * record — creating what is missing (tolerating a concurrent creator). Idempotent. Returns
     * what later calls need to find it again (e.g. the pool id used); the engine persists it and
     * passes it back in {@link BackendJob#environment()}.
     */
    Map<String, String> ensureEnvironment(BackendJob job);

    /**
     * Submit ready attempts; one handle per launch, in order. A launch whose
     * {@link TaskLaunch#submissionId()} the backend already knows must not start a second copy:
     * backends with deterministic ids (local, Azure Batch) return the existing handle; backends
     * whose submit is not idempotent find earlier submissions in {@link #recover}. Nothing is sent
     * once {@link BackendJob#submitBy()} has passed ({@link BackendJob#maySubmit()}, asked before each
     * request a launch needs): the handle of a launch not sent is null, and the engine finds or submits
     * it again later — after its claim on it has ended, so never while another instance does.
     */
    List<TaskHandle> submit(BackendJob job, List<TaskLaunch> launches);

    /**
     * After a crash between submit and recording its handles: the handles of those launches the
     * backend did receive (by submission id), absent for those it did not. The engine calls this
     * before submitting such launches again.
     */
    Map<String, TaskHandle> recover(BackendJob job, List<TaskLaunch> launches);

    /**
     * What each handle looks like now, in as few calls as the service allows (AWS: up to 100 ids
     * per DescribeJobs; Azure: task counts per Batch job, then one filtered list where something
     * changed). Handles may belong to many jobs. A handle the backend no longer knows is answered
     * {@link TaskObservation.Phase#LOST}.
     */
    Map<TaskHandle, TaskObservation> describe(List<TaskHandle> handles);

    /** Stop these attempts (running ones end, queued ones never start). Idempotent. */
    void terminate(BackendJob job, List<TaskHandle> handles, String reason);

    /** Release what the job held on the backend (its Batch job, working directories). Idempotent. */
    void release(BackendJob job);

    /**
     * The Conveyor jobs this backend still holds something for (Batch jobs tagged by Conveyor,
     * attempt folders), for the orphan reaper: those whose job already has its result, or that no
     * accepted job owns, are released. Backends that cannot list return an empty list.
     */
    default java.util.Set<String> jobsHeld() {
        return java.util.Set.of();
    }

    /**
     * A job saved earlier is driven again by this instance (a restart, a takeover): the backend
     * learns what it needs to reach the job's resources (e.g. an account named only in the job's
     * options). Called once per driver, before any describe of its handles.
     */
    default void resume(BackendJob job) {
    }

    /** One cheap call that proves the credentials and the service work (for readiness, cached by the caller). */
    default void check() {
    }

    /**
     * Backends that learn of changes without polling (a local process exiting) call {@code wake}
     * so the next describe comes at once instead of at the next tick.
     */
    default void onChange(Runnable wake) {
    }
}
