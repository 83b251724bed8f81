package dev.conveyor.deploy;

import java.util.Set;

/** The HTTP paths deployment files may probe; {@code ops.HealthEndpointsTest} proves the app serves them. */
final class Endpoints {
    static final String LIVE = "/q/health/live";
    static final String READY = "/q/health/ready";
    static final String STARTED = "/q/health/started";
    static final Set<String> HEALTH = Set.of(LIVE, READY, STARTED);
    /** Where Micrometer's Prometheus registry serves metrics (MetricsEndpointTest says whether it does yet). */
    static final String METRICS = "/q/metrics";
    /** The Batch emulators' unauthenticated statistics page (both emulators serve it). */
    static final String EMULATOR_STATS = "/emulator/stats";

    private Endpoints() {
    }
}
