package dev.conveyor.ops;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import java.time.Clock;

/**
 * {@code /q/health/ready}, check {@code conveyor}: UP when every {@link ReadinessContributor} bean
 * is up (the broker, the object store, and whatever backends add), each answer cached for
 * {@code conveyor.health.cache-ttl}. The channels of the stages this process runs are reported
 * beside it by SmallRye Reactive Messaging's own readiness check.
 */
@Readiness
@ApplicationScoped
public class ConveyorReadinessCheck implements HealthCheck {
    static final String NAME = "conveyor";

    @Inject
    Instance<ReadinessContributor> contributors;
    @Inject
    HealthConfig config;
    @Inject
    Clock clock;

    private ReadinessProbes probes;

    @PostConstruct
    void init() {
        probes = new ReadinessProbes(NAME, contributors.stream().toList(), config.cacheTtl(), config.timeout(), clock);
    }

    @PreDestroy
    void close() {
        probes.close();
    }

    @Override
    public HealthCheckResponse call() {
        return probes.report();
    }
}
