package dev.conveyor.ui;

import dev.conveyor.config.ConveyorConfig;
import dev.conveyor.storage.ObjectStore;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The web view's parts, started with the process when {@code conveyor.ui.enabled} (the default):
 * the board the status feed fills, the once-a-second throughput sampler, the cancel publisher and
 * the reader of submitted requests.
 */
@ApplicationScoped
public class UiService {
    @Inject
    UiConfig config;
    @Inject
    ConveyorConfig conveyor;
    @Inject
    ObjectStore store;
    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    private JobBoard board;
    private StatusFeed feed;
    private ControlPublisher control;
    private SubmittedRequests requests;
    private ScheduledExecutorService sampler;

    void start(@Observes StartupEvent event) {
        if (!config.enabled()) {
            return;
        }
        board = new JobBoard(store, config.maxJobs(), config.maxEvents(), Clock.systemUTC());
        feed = new StatusFeed(bootstrap, conveyor.topics().status(), config.history(), board);
        feed.start();
        control = new ControlPublisher(bootstrap, conveyor.topics().control());
        requests = new SubmittedRequests(store, bootstrap);
        sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ui-throughput");
            t.setDaemon(true);
            return t;
        });
        sampler.scheduleAtFixedRate(board::sample, 1, 1, TimeUnit.SECONDS);
    }

    void stop(@Observes ShutdownEvent event) {
        if (sampler != null) {
            sampler.shutdownNow();
        }
        if (feed != null) {
            feed.close();
        }
        if (control != null) {
            control.close();
        }
        if (board != null) {
            board.close();
        }
    }

    JobBoard board() {
        return board;
    }

    ControlPublisher control() {
        return control;
    }

    SubmittedRequests requests() {
        return requests;
    }

    ObjectStore store() {
        return store;
    }

    UiConfig config() {
        return config;
    }
}
