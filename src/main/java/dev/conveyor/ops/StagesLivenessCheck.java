package dev.conveyor.ops;

import dev.conveyor.config.ConveyorConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * {@code /q/health/live}, check {@code conveyor-stages}: the application is up and names the stages
 * it runs. Whether their consumers are alive is SmallRye Reactive Messaging's liveness check (a
 * channel whose stream failed turns it DOWN), reported beside this one.
 */
@Liveness
@ApplicationScoped
public class StagesLivenessCheck implements HealthCheck {
    @Inject
    ConveyorConfig config;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("conveyor-stages").up()
                .withData("stages", String.join(",", config.stages()))
                .build();
    }
}
