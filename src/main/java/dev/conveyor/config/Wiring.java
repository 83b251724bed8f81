package dev.conveyor.config;

import dev.conveyor.collection.CollectionService;
import dev.conveyor.collection.ResultBuilder;
import dev.conveyor.collection.ResultLedger;
import dev.conveyor.compute.ComputeProvider;
import dev.conveyor.control.CancelRegistry;
import dev.conveyor.compute.ComputeProviders;
import dev.conveyor.compute.local.LocalComputeProvider;
import dev.conveyor.compute.local.LocalOptions;
import dev.conveyor.compute.noop.NoopComputeProvider;
import dev.conveyor.dispatch.DispatchService;
import dev.conveyor.dispatch.OptionResolver;
import dev.conveyor.monitoring.MonitoringService;
import dev.conveyor.staging.InputSources;
import dev.conveyor.staging.StagingService;
import dev.conveyor.storage.ObjectStore;
import dev.conveyor.storage.file.FileObjectStore;
import dev.conveyor.submission.JobNormalizer;
import dev.conveyor.submission.JsonSchemas;
import dev.conveyor.submission.RequestReader;
import dev.conveyor.submission.RequestValidator;
import dev.conveyor.submission.SubmissionService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

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
    dev.conveyor.credentials.Profiles profiles(ConveyorConfig config) {
        return ProfileSettings.of(config.profiles());
    }

    @Produces
    @ApplicationScoped
    ObjectStore objectStore(ConveyorConfig config, dev.conveyor.credentials.Profiles profiles) {
        return switch (config.storage().type()) {
            case "file" -> new FileObjectStore(config.storage().fileRoot().map(Path::of).orElse(Path.of(config.dataDir(), "store")));
            case "azure-blob" -> AzureBlobWiring.store(config.storage().azure(), profiles);
            default -> throw new IllegalArgumentException("conveyor.storage.type=" + config.storage().type()
                    + " is not supported by this version (supported: file, azure-blob)");
        };
    }

    @Produces
    @ApplicationScoped
    ComputeProviders computeProviders(ConveyorConfig config, ObjectStore store) {
        List<ComputeProvider> providers = new ArrayList<>();
        providers.add(new NoopComputeProvider());
        int slots = config.local().slots().orElse(Runtime.getRuntime().availableProcessors());
        providers.add(new LocalComputeProvider(new LocalOptions(Path.of(config.dataDir(), "local"), slots,
                config.local().killGrace(), Duration.ofMillis(150),
                config.local().retryBackoff(), config.local().retryBackoffMax()), store));
        return new ComputeProviders(providers);
    }

    void closeProviders(@Disposes ComputeProviders providers) {
        providers.close();
    }

    @Produces
    @ApplicationScoped
    SubmissionService submission(ConveyorConfig config, ObjectStore store, ComputeProviders providers) {
        java.util.Set<String> enabled = new java.util.TreeSet<>(config.submission().providers());
        enabled.retainAll(providers.types());
        return new SubmissionService(new RequestReader(),
                new RequestValidator(new JsonSchemas(), config.submission().maxTasks(),
                        config.submission().maxMatrixCells()),
                new JobNormalizer(), store, enabled);
    }

    @Produces
    @ApplicationScoped
    StagingService staging(ConveyorConfig config, ObjectStore store, Clock clock) {
        List<Path> roots = config.storage().allowedFileRoots().orElse(List.of()).stream().map(Path::of).toList();
        return new StagingService(store, new InputSources(roots), clock);
    }

    @Produces
    @ApplicationScoped
    DispatchService dispatch(ComputeProviders providers, Clock clock) {
        return new DispatchService(providers, new OptionResolver(System::getenv), clock);
    }

    @Produces
    @ApplicationScoped
    MonitoringService monitoring(ComputeProviders providers, Clock clock) {
        return new MonitoringService(providers, clock);
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
    CollectionService collection(ConveyorConfig config, ObjectStore store, ResultLedger ledger, ComputeProviders providers) {
        return new CollectionService(new ResultBuilder(store, config.results().tailBytes()), ledger, providers);
    }
}
