package dev.conveyor.ops;

import dev.conveyor.engine.JobDrivers;
import dev.conveyor.messaging.StageHandler;
import dev.conveyor.messaging.StageObserver;
import dev.conveyor.model.result.JobResult;
import dev.conveyor.monitoring.MonitoringService;
import dev.conveyor.retry.CallObserver;
import dev.conveyor.retry.CallPolicy;
import dev.conveyor.storage.ObservedObjectStore;
import dev.conveyor.storage.StoreObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * Conveyor's own meters, served with the Kafka clients' on {@code /q/metrics} (Prometheus text).
 * The stages, the call policies and the backends' policies report here through small observer
 * seams ({@link StageObserver}, {@link CallObserver}), so none of them depends on Micrometer;
 * collection fires each published {@link JobResult} as a CDI event. README "### Metrics" lists them.
 */
@Startup
@ApplicationScoped
public class ConveyorMetrics implements StageObserver, CallObserver, StoreObserver {
    @Inject
    MeterRegistry registry;
    /** The store's meters by their tags: looked up on every call and every chunk read. */
    private final java.util.Map<String, Counter> meters = new java.util.concurrent.ConcurrentHashMap<>();
    @Inject
    JobDrivers drivers;
    @Inject
    MonitoringService monitoring;
    @Inject
    @Named("stages")
    CallPolicy stagePolicy;
    @Inject
    @Named("collection")
    CallPolicy collectionPolicy;

    @PostConstruct
    void bind() {
        StageHandler.observeWith(this);
        drivers.observeCalls(this);
        stagePolicy.observeCalls(this);
        collectionPolicy.observeCalls(this);
        ObservedObjectStore.observeWith(this);
        Gauge.builder("conveyor.jobs.watched", monitoring, MonitoringService::watching)
                .description("Jobs this instance's monitoring stage is watching right now").register(registry);
        Gauge.builder("conveyor.tasks.in.flight", monitoring, MonitoringService::tasksInFlight)
                .description("Attempts submitted, queued or running on their backends in the jobs this instance watches")
                .register(registry);
    }

    @Override
    public void called(String store, String operation, boolean ok) {
        meters.computeIfAbsent("calls " + store + " " + operation + " " + ok, k -> Counter.builder("conveyor.store.calls")
                .description("Object-store calls, by operation and outcome")
                .tag("store", store).tag("operation", operation).tag("outcome", ok ? "ok" : "error")
                .register(registry)).increment();
    }

    @Override
    public void bytes(String store, StoreObserver.Direction direction, long count) {
        meters.computeIfAbsent("bytes " + store + " " + direction, k -> Counter.builder("conveyor.store.bytes")
                .description("Bytes written to and read from the object store").baseUnit("bytes")
                .tag("store", store).tag("direction", lower(direction))
                .register(registry)).increment(count);
    }

    @Override
    public void record(String stage, StageObserver.Outcome outcome) {
        Counter.builder("conveyor.stage.records").description("Records a stage took in, handled (out), failed, or sent to the DLQ")
                .tag("stage", stage).tag("outcome", lower(outcome)).register(registry).increment();
    }

    @Override
    public void took(String stage, long nanos) {
        Timer.builder("conveyor.stage").description("Time a stage spent on one record, from taking it to its acknowledgement")
                .tag("stage", stage).publishPercentileHistogram().register(registry).record(Duration.ofNanos(nanos));
    }

    @Override
    public void attempted(String policy, String operation, CallObserver.Outcome outcome) {
        Counter.builder("conveyor.backend.calls").description("Attempts of calls to a backend or the object store, by outcome")
                .tag("policy", policy).tag("operation", operation).tag("outcome", lower(outcome)).register(registry).increment();
    }

    /** A result was published by collection. */
    void published(@Observes JobResult result) {
        Counter.builder("conveyor.jobs.completed").description("Results published, by final state and backend")
                .tag("state", result.status() == null ? "unknown" : lower(result.status()))
                .tag("backend", result.runsOn() == null ? "none" : result.runsOn())
                .register(registry).increment();
        if (result.submittedAt() != null) {
            Timer.builder("conveyor.request.to.result").description("From a request's submission to its result's publication")
                    .publishPercentileHistogram().register(registry)
                    .record(Duration.between(result.submittedAt(), Instant.now()));
        }
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
