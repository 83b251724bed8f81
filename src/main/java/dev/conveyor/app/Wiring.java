package dev.conveyor.app;

import dev.conveyor.config.ConveyorConfig;
import dev.conveyor.config.ProfileSettings;
import dev.conveyor.config.StorageConfig;

import dev.conveyor.collection.CollectionService;
import dev.conveyor.collection.ResultBounds;
import dev.conveyor.collection.ResultBuilder;
import dev.conveyor.collection.ResultLedger;
import dev.conveyor.compute.ComputeBackend;
import dev.conveyor.compute.ComputeBackends;
import dev.conveyor.compute.aws.AwsBatchComputeBackend;
import dev.conveyor.compute.aws.AwsBatchSettings;
import dev.conveyor.compute.local.LocalComputeBackend;
import dev.conveyor.credentials.AwsAccount;
import dev.conveyor.credentials.Profile;
import dev.conveyor.compute.local.LocalOptions;
import dev.conveyor.compute.noop.NoopComputeBackend;
import dev.conveyor.control.CancelRegistry;
import dev.conveyor.credentials.Profiles;
import dev.conveyor.dispatch.DispatchService;
import dev.conveyor.engine.EngineSettings;
import dev.conveyor.engine.JobDrivers;
import dev.conveyor.engine.ProviderOptions;
import dev.conveyor.monitoring.MonitoringService;
import dev.conveyor.retry.CallPolicy;
import dev.conveyor.retry.RetrySettings;
import dev.conveyor.staging.InputSources;
import dev.conveyor.staging.StagingService;
import dev.conveyor.storage.ObjectStore;
import dev.conveyor.storage.ObservedObjectStore;
import dev.conveyor.storage.file.FileObjectStore;
import dev.conveyor.storage.s3.S3ObjectStore;
import dev.conveyor.storage.s3.S3StoreOptions;
import dev.conveyor.submission.JobNormalizer;
import dev.conveyor.submission.JsonSchemas;
import dev.conveyor.submission.RequestReader;
import dev.conveyor.submission.RequestValidator;
import dev.conveyor.submission.SubmissionService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Named;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/** Builds the plain services from configuration: the only place that knows how they fit together. */
@ApplicationScoped
public class Wiring {

    @Produces
    @ApplicationScoped
    Clock clock() {
        return Clock.systemUTC();
    }

    @Produces
    @ApplicationScoped
    Profiles profiles(ConveyorConfig config) {
        return ProfileSettings.of(config.profiles());
    }

    @Produces
    @ApplicationScoped
    ObjectStore objectStore(ConveyorConfig config, Profiles profiles) {
        // every call and byte counted for /q/metrics (ops/ConveyorMetrics)
        return ObservedObjectStore.of(switch (config.storage().type()) {
            case "file" -> new FileObjectStore(config.storage().fileRoot().map(Path::of)
                    .orElse(Path.of(config.dataDir(), "store")));
            case "s3" -> s3Store(config.storage().s3(), profiles);
            case "azure-blob" -> AzureBlobWiring.store(config.storage().azure(), profiles);
            default -> throw new IllegalArgumentException("conveyor.storage.type=" + config.storage().type()
                    + " is not supported (supported: file, s3, azure-blob)");
        });
    }

    static S3ObjectStore s3Store(StorageConfig.S3Store s3, Profiles profiles) {
        String bucket = s3.bucket().filter(b -> !b.isBlank()).orElseThrow(() -> new IllegalArgumentException(
                "conveyor.storage.type=s3 needs conveyor.storage.s3.bucket"));
        AwsAccount account = profiles.find(s3.profile()).map(Profile::aws).orElseThrow(() -> new IllegalArgumentException(
                "conveyor.storage.s3.profile=" + s3.profile() + " names no profile with an AWS account (conveyor.profiles."
                        + s3.profile() + ".aws.region, .access-key-id, ...)"));
        S3ObjectStore store = new S3ObjectStore(account, S3StoreOptions.of(bucket)
                .withKeyPrefix(s3.keyPrefix().orElse(""))
                .withPartSize(Math.multiplyExact(s3.partSizeMib(), 1024 * 1024)));
        if (s3.createBucket()) {
            try {
                store.createBucketIfMissing();
            } catch (IOException e) {
                store.close();
                throw new UncheckedIOException(e);
            }
        }
        return store;
    }

    void closeObjectStore(@Disposes ObjectStore store) throws Exception {
        if (store instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }

    @Produces
    @ApplicationScoped
    ComputeBackends computeBackends(ConveyorConfig config, Clock clock, Profiles profiles, ObjectStore store) {
        List<ComputeBackend> backends = new ArrayList<>();
        if (AwsBatchComputeBackend.configured(profiles)) {
            ConveyorConfig.AwsBatch aws = config.awsBatch();
            backends.add(new AwsBatchComputeBackend(profiles, store, new AwsBatchSettings(aws.submitRate(), aws.definitionTtl(),
                    AwsBatchSettings.DEFAULT.sweepEvery(), aws.defaultImage(), aws.logGroup(), AwsBatchSettings.DEFAULT.logLines()),
                    clock));
        }
        AzureBatchWiring.backend(config.azureBatch(), profiles, clock).ifPresent(backends::add);
        backends.add(new NoopComputeBackend(clock));
        int slots = config.local().slots().orElse(Runtime.getRuntime().availableProcessors());
        backends.add(new LocalComputeBackend(new LocalOptions(Path.of(config.dataDir(), "local"), slots,
                config.local().killGrace(), LocalOptions.DEFAULT_TICK,
                LocalOptions.Isolation.valueOf(config.local().isolation().toUpperCase(Locale.ROOT).replace('-', '_')))));
        return new ComputeBackends(backends);
    }

    void closeBackends(@Disposes ComputeBackends backends) {
        backends.close();
    }

    @Produces
    @jakarta.inject.Singleton // a record cannot be proxied
    EngineSettings engineSettings(ConveyorConfig config) {
        ConveyorConfig.Engine e = config.engine();
        return new EngineSettings(e.retryBackoff(), e.retryBackoffMax(), EngineSettings.DEFAULT.retryJitter(),
                e.infrastructureRetries(), e.timeoutGrace(), e.urlMargin(), EngineSettings.DEFAULT.urlMaxValidity());
    }

    @Produces
    @ApplicationScoped
    JobDrivers jobDrivers(ConveyorConfig config, ComputeBackends backends, ObjectStore store, Profiles profiles,
                          EngineSettings settings, Clock clock) {
        // ${NAME} is looked up in the service's configuration: its environment, system properties and
        // secret files (e.g. a Kubernetes Secret mounted through smallrye.config.source.file.locations).
        ProviderOptions options = new ProviderOptions(profiles, allowedVariables(config),
                name -> org.eclipse.microprofile.config.ConfigProvider.getConfig().getOptionalValue(name, String.class).orElse(null));
        return new JobDrivers(backends, store, options, settings, type -> retrySettings(config.backends().get(type)), clock);
    }

    static Set<String> allowedVariables(ConveyorConfig config) {
        return config.credentials().allowedVariables();
    }

    /**
     * Settings that do not fit together (a backend's first pause longer than its longest) stop the service at start-up,
     * naming the keys — not every job at dispatch.
     */
    void checkSettings(@jakarta.enterprise.event.Observes io.quarkus.runtime.StartupEvent event, ConveyorConfig config) {
        var problems = dev.conveyor.config.SettingChecks.problems(config);
        if (!problems.isEmpty()) { // reported as the configuration's problems (cli.StartFailures: exit code 2)
            throw new io.smallrye.config.ConfigValidationException(problems.stream()
                    .map(io.smallrye.config.ConfigValidationException.Problem::new)
                    .toArray(io.smallrye.config.ConfigValidationException.Problem[]::new));
        }
    }

    private static RetrySettings retrySettings(ConveyorConfig.Backend b) {
        return new RetrySettings(b.maxRetries(), b.retryDelay(), b.retryMaxDelay(), b.jitter(), Duration.ofMinutes(10),
                b.ratePerSecond());
    }

    /** Stage work on the object store: transient trouble retried for a while, then the job fails with the reason. */
    /** Each stage gets its own: records of different jobs in parallel, one job's in order. */
    @Produces
    @jakarta.enterprise.context.Dependent
    @Named("stage-records")
    dev.conveyor.messaging.KeyedExecutor keyedExecutor(ConveyorConfig config) {
        return new dev.conveyor.messaging.KeyedExecutor(config.concurrency().recordsInFlight());
    }

    /** The stages' policy for the object store ({@code conveyor.stage-retry.*}). */
    @Produces
    @ApplicationScoped
    @Named("stages")
    CallPolicy stagePolicy(ConveyorConfig config) {
        var retry = config.stageRetry();
        // enough tries for the whole duration at the longest pause: the duration is what bounds it
        int tries = (int) Math.max(20, retry.maxDuration().toMillis() / retry.maxDelay().toMillis() + 10);
        Duration first = Duration.ofMillis(Math.min(250, retry.maxDelay().toMillis()));
        return new CallPolicy("stages", new RetrySettings(tries, first, retry.maxDelay(), 0.25, retry.maxDuration(), 0));
    }

    /**
     * Staging's tries of one job's inputs within a round, in its slot: a few, quickly (3 within at most 10 s, never
     * longer than the stages' own policy); the rounds are spaced outside the slot (staging.SourceTrouble).
     */
    @Produces
    @ApplicationScoped
    @Named("staging-sources")
    CallPolicy stagingSourcesPolicy(@Named("stages") CallPolicy stages) {
        RetrySettings s = stages.settings();
        return new CallPolicy("staging-sources", new RetrySettings(2, shorter(Duration.ofMillis(250), s.maxDelay()),
                shorter(Duration.ofSeconds(1), s.maxDelay()), 0.25, shorter(Duration.ofSeconds(10), s.maxDuration()), 0));
    }

    private static Duration shorter(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** Building a result: a store that is away is waited for (long), so no result is ever lost to a 503. */
    @Produces
    @ApplicationScoped
    @Named("collection")
    CallPolicy collectionPolicy() {
        return new CallPolicy("collection", new RetrySettings(Integer.MAX_VALUE - 1, Duration.ofMillis(250),
                Duration.ofSeconds(30), 0.25, Duration.ofDays(1), 0));
    }

    @Produces
    @ApplicationScoped
    SubmissionService submission(ConveyorConfig config, ObjectStore store, ComputeBackends backends) {
        Set<String> enabled = new TreeSet<>(config.submission().providers());
        enabled.retainAll(backends.types());
        return new SubmissionService(new RequestReader(),
                new RequestValidator(new JsonSchemas(), config.submission().maxTasks(),
                        config.submission().maxMatrixCells(), config.credentials().allowedVariables()),
                new JobNormalizer(), store, enabled);
    }

    @Produces
    @ApplicationScoped
    StagingService staging(ConveyorConfig config, ObjectStore store, Clock clock) {
        List<Path> roots = config.storage().allowedFileRoots().orElse(List.of()).stream().map(Path::of).toList();
        return new StagingService(store, new InputSources(roots, config.staging().allowedHttpHosts().orElse(List.of()),
                config.staging().readTimeout()), clock);
    }

    @Produces
    @ApplicationScoped
    DispatchService dispatch(JobDrivers drivers, ObjectStore store, Clock clock) {
        return new DispatchService(drivers, store, clock);
    }

    @Produces
    @ApplicationScoped
    MonitoringService monitoring(JobDrivers drivers, ObjectStore store, Clock clock, @Named("stages") CallPolicy stages) {
        return new MonitoringService(drivers, store, clock, stages);
    }

    @Produces
    @ApplicationScoped
    CancelRegistry cancels(ObjectStore store) {
        return new CancelRegistry(store);
    }

    @Produces
    @ApplicationScoped
    ResultLedger ledger(ObjectStore store) {
        return new ResultLedger(store);
    }

    @Produces
    @ApplicationScoped
    dev.conveyor.collection.OrphanReaper reaper(JobDrivers drivers, ObjectStore store) {
        return new dev.conveyor.collection.OrphanReaper(drivers, store);
    }

    @Produces
    @ApplicationScoped
    CollectionService collection(ConveyorConfig config, ObjectStore store, ResultLedger ledger, JobDrivers drivers) {
        return new CollectionService(new ResultBuilder(store, config.results().tailBytes()), ledger,
                new ResultBounds(config.results().maxRecordBytes()), store, drivers);
    }
}
