package dev.conveyor.collection;

import dev.conveyor.config.ConveyorConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Runs the {@link OrphanReaper} where collection runs: shortly after start-up, then every interval. */
@ApplicationScoped
public class ReaperSchedule {
    private static final Logger LOG = Logger.getLogger(ReaperSchedule.class);

    @Inject
    OrphanReaper reaper;
    @Inject
    ConveyorConfig config;
    private ScheduledExecutorService timer;

    void onStart(@Observes StartupEvent event) {
        if (!config.stages().contains("collection") || config.collection().reapInterval().isZero()) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "conveyor-reaper");
            t.setDaemon(true);
            return t;
        });
        long every = config.collection().reapInterval().toMillis();
        timer.scheduleWithFixedDelay(this::reap, Math.min(every, 30_000), every, TimeUnit.MILLISECONDS);
    }

    private void reap() {
        try {
            reaper.reap();
        } catch (RuntimeException e) {
            LOG.warn("orphan reaper pass failed", e);
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
