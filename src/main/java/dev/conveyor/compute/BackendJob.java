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
 */
public record BackendJob(String jobId, String name, Map<String, String> options, Profile profile,
                         Map<String, String> labels, Instant deadline, Map<String, String> environment) {
    public BackendJob {
        options = options == null ? Map.of() : Map.copyOf(options);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        environment = environment == null ? Map.of() : Map.copyOf(environment);
    }

    public String option(String name) {
        return options.get(name);
    }

    public BackendJob withEnvironment(Map<String, String> env) {
        return new BackendJob(jobId, name, options, profile, labels, deadline, env);
    }

    public BackendJob withDeadline(Instant at) {
        return new BackendJob(jobId, name, options, profile, labels, at, environment);
    }

    @Override
    public String toString() { // options may hold resolved credentials: never print them
        return "BackendJob[" + jobId + "]";
    }
}
