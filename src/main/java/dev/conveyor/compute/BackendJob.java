package dev.conveyor.compute;

import dev.conveyor.credentials.Profile;

import java.time.Instant;
import java.util.Map;

/**
 * A Conveyor job as a backend sees it.
 *
 * @param options     provider options ({@code runsOn.with} over the profile's defaults), with
 *                    {@code ${NAME}} references already resolved in memory — never persisted
 * @param profile     the credential profile the request named (or {@code default})
 * @param labels      the request's labels (cost tags, metadata)
 * @param deadline    when the job's wall-clock limit ends, or null
 * @param environment what {@link ComputeBackend#ensureEnvironment} returned (empty before)
 * @param submitBy    for a {@link ComputeBackend#submit} call: no submission may be sent at or after this
 *                    instant (the engine's claim on the attempts ends soon after, and another instance may
 *                    then submit them again); null = no limit
 */
public record BackendJob(String jobId, String name, Map<String, String> options, Profile profile,
                         Map<String, String> labels, Instant deadline, Map<String, String> environment,
                         Instant submitBy) {
    public BackendJob {
        options = options == null ? Map.of() : Map.copyOf(options);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        environment = environment == null ? Map.of() : Map.copyOf(environment);
    }

    public BackendJob(String jobId, String name, Map<String, String> options, Profile profile,
                      Map<String, String> labels, Instant deadline, Map<String, String> environment) {
        this(jobId, name, options, profile, labels, deadline, environment, null);
    }

    public String option(String name) {
        return options.get(name);
    }

    public BackendJob withEnvironment(Map<String, String> env) {
        return new BackendJob(jobId, name, options, profile, labels, deadline, env, submitBy);
    }

    public BackendJob withDeadline(Instant at) {
        return new BackendJob(jobId, name, options, profile, labels, at, environment, submitBy);
    }

    public BackendJob withSubmitBy(Instant at) {
        return new BackendJob(jobId, name, options, profile, labels, deadline, environment, at);
    }

    /** Whether a submission may still be sent now ({@link #submitBy}). */
    public boolean maySubmit() {
        return maySubmit(Instant.now());
    }

    /** Whether a submission may still be sent at {@code now} ({@link #submitBy}). */
    public boolean maySubmit(Instant now) {
        return submitBy == null || now.isBefore(submitBy);
    }

    @Override
    public String toString() { // options may hold resolved credentials: never print them
        return "BackendJob[" + jobId + "]";
    }
}
