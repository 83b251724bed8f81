package dev.conveyor.ops;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import org.hibernate.validator.constraints.time.DurationMin;

import java.time.Duration;

/** Settings of the readiness probes, prefix {@code conveyor.health}. */
@ConfigMapping(prefix = "conveyor.health")
public interface HealthConfig {

    /** How long a probe's answer is reused, so a probe every second costs one remote call per period. */
    @WithDefault("5s")
    @DurationMin(millis = 0)
    Duration cacheTtl();

    /** How long one probe may take before it counts as DOWN. */
    @WithDefault("2s")
    @DurationMin(millis = 1)
    Duration timeout();

    /**
     * How long a stage's output may be refused by the broker (and sent again) before readiness says
     * DOWN ({@code stage-outputs}): longer than a leader election, short enough to be seen.
     */
    @WithDefault("1m")
    @DurationMin(millis = 0)
    Duration outputRefusedAfter();
}
