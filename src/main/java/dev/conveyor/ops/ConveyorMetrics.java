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
import io.micrometer.core.instrument.Meter;
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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

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
    /**
     * Meters by their name and tags, registered once: a builder's {@code register} builds an id and
     * looks it up on every call, and these are recorded several times per record.
     */
    private final Map<List<Object>, Meter> meters = new ConcurrentHashMap<>();
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
    @Inject
    @Named("staging-sources")
    CallPolicy stagingSourcesPolicy;

    @PostConstruct
    void bind() {
        StageHandler.observeWith(this);
        drivers.observeCalls(this);
        stagePolicy.observeCalls(this);
        collectionPolicy.observeCalls(this);
        stagingSourcesPolicy.observeCalls(this);
        ObservedObjectStore.observeWith(this);
        Gauge.builder("conveyor.jobs.watched", monitoring, MonitoringService::watching)
                .description("Jobs this instance's monitoring stage is watching right now").register(registry);
        Gauge.builder("conveyor.tasks.in.flight", monitoring, MonitoringService::tasksInFlight)
                .description("Attempts submitted, queued or running on their backends in the jobs this instance watches")
                .register(registry);
    }

    @Override
    public void called(String store, String operation, boolean ok) {
        counter(List.of("calls", store, operation, ok), () -> Counter.builder("conveyor.store.calls")
                .description("Object-store calls, by operation and outcome")
                .tag("store", store).tag("operation", operation).tag("outcome", ok ? "ok" : "error")).increment();
    }

    @Override
    public void bytes(String store, StoreObserver.Direction direction, long count) {
        counter(List.of("bytes", store, direction), () -> Counter.builder("conveyor.store.bytes")
                .description("Bytes written to and read from the object store").baseUnit("bytes")
                .tag("store", store).tag("direction", lower(direction))).increment(count);
    }

    @Override
    public void record(String stage, StageObserver.Outcome outcome) {
        counter(List.of("records", stage, outcome), () -> Counter.builder("conveyor.stage.records")
                .description("Records a stage took in, handled (out), failed, or sent to the DLQ")
                .tag("stage", stage).tag("outcome", lower(outcome))).increment();
    }

    @Override
    public void took(String stage, long nanos) {
        ((Timer) meters.computeIfAbsent(List.of("stage", stage), k -> Timer.builder("conveyor.stage")
                .description("Time a stage spent on one record, from taking it to its acknowledgement")
                .tag("stage", stage).publishPercentileHistogram().register(registry)))
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void attempted(String policy, String operation, CallObserver.Outcome outcome) {
        counter(List.of("attempts", policy, operation, outcome), () -> Counter.builder("conveyor.backend.calls")
                .description("Attempts of calls to a backend or the object store, by outcome")
                .tag("policy", policy).tag("operation", operation).tag("outcome", lower(outcome))).increment();
    }

    /** A result was published by collection. */
    void published(@Observes JobResult result) {
        String state = result.status() == null ? "unknown" : lower(result.status());
        String backend = result.runsOn() == null ? "none" : result.runsOn();
        counter(List.of("completed", state, backend), () -> Counter.builder("conveyor.jobs.completed")
                .description("Results published, by final state and backend")
                .tag("state", state).tag("backend", backend)).increment();
        if (result.submittedAt() != null) {
            ((Timer) meters.computeIfAbsent(List.of("request.to.result"), k -> Timer.builder("conveyor.request.to.result")
                    .description("From a request's submission to its result's publication")
                    .publishPercentileHistogram().register(registry)))
                    .record(Duration.between(result.submittedAt(), Instant.now()));
        }
    }

    private Counter counter(List<Object> key, Supplier<Counter.Builder> builder) {
        return (Counter) meters.computeIfAbsent(key, k -> builder.get().register(registry));
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
