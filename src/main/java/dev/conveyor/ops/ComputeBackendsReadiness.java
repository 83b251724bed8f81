package dev.conveyor.ops;

import dev.conveyor.compute.ComputeBackend;
import dev.conveyor.compute.ComputeBackends;
import dev.conveyor.compute.TransientComputeException;
import dev.conveyor.config.ConveyorConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code compute-backends}: every backend this service has answers its own cheap call with the
 * service's credentials ({@link ComputeBackend#check()}: Azure Batch lists one pool per account, AWS
 * Batch describes one job queue per account) — a wrong key, an expired secret or an unreachable
 * endpoint turns readiness DOWN, naming the backend and what it answered, before a job fails on it.
 * A throttled answer (429, TooManyRequests) counts as an answer: UP, with the backend marked throttled.
 * Only in a process whose stages call the backends (dispatch, monitoring, collection): a process
 * that only accepts or stages requests does not need them.
 */
@ApplicationScoped
public class ComputeBackendsReadiness implements ReadinessContributor {
    /** The stages that talk to the backends: submit, describe and terminate, fetch logs and release. */
    static final Set<String> USERS = Set.of("dispatch", "monitoring", "collection");

    private final ComputeBackends backends;
    private final boolean used;

    @Inject
    public ComputeBackendsReadiness(ComputeBackends backends, ConveyorConfig config) {
        this(backends, config.stages().stream().anyMatch(USERS::contains));
    }

    ComputeBackendsReadiness(ComputeBackends backends, boolean used) {
        this.backends = backends;
        this.used = used;
    }

    @Override
    public String name() {
        return "compute-backends";
    }

    @Override
    public ProbeResult probe() {
        if (!used) {
            return ProbeResult.up("not used by this process's stages");
        }
        List<String> failed = new ArrayList<>();
        List<String> answered = new ArrayList<>();
        for (ComputeBackend backend : backends.all()) {
            try {
                backend.check();
                answered.add(backend.type());
            } catch (TransientComputeException e) {
                if (e.throttled()) {
                    // it answered, only "not so fast": the work slows down (the backends pace and retry), it does not
                    // stop — a process taken out of service each time its account is busy would help nobody
                    answered.add(backend.type() + " (throttled: " + text(e) + ")");
                } else {
                    failed.add(backend.type() + ": " + text(e));
                }
            } catch (RuntimeException e) {
                failed.add(backend.type() + ": " + text(e));
            }
        }
        return failed.isEmpty() ? ProbeResult.up(String.join(", ", answered)) : ProbeResult.down(String.join("; ", failed));
    }

    /** The backends' errors carry the service's code and message, never a credential. */
    private static String text(RuntimeException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
