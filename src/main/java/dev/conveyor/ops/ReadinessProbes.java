package dev.conveyor.ops;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** The contributors' cached probes, summed up as one health check response (plain class: unit-tested). */
final class ReadinessProbes implements AutoCloseable {
    private final String name;
    private final ExecutorService executor;
    private final List<CachedProbe> probes;

    ReadinessProbes(String name, Collection<? extends ReadinessContributor> contributors, Duration ttl, Duration timeout,
                    Clock clock) {
        this.name = name;
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "conveyor-readiness-probe");
            t.setDaemon(true);
            return t;
        });
        this.probes = contributors.stream()
                .map(c -> new CachedProbe(c, ttl, timeout, clock, executor))
                .sorted(Comparator.comparing(CachedProbe::name))
                .toList();
    }

    /**
     * UP when every contributor is up; each contributor's answer is in the data, under its name. The
     * probes run side by side, so a report takes at most one timeout however many contributors there are.
     */
    HealthCheckResponse report() {
        List<CompletableFuture<ProbeResult>> results = probes.stream()
                .map(probe -> CompletableFuture.supplyAsync(probe::result, executor)).toList();
        HealthCheckResponseBuilder response = HealthCheckResponse.named(name).up();
        for (int i = 0; i < probes.size(); i++) {
            ProbeResult result = results.get(i).join();
            response.withData(probes.get(i).name(), result.describe());
            if (!result.up()) {
                response.down();
            }
        }
        return response.build();
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
