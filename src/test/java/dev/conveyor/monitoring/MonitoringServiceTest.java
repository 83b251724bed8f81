package dev.conveyor.monitoring;

import dev.conveyor.compute.ComputeBackends;
import dev.conveyor.compute.noop.NoopComputeBackend;
import dev.conveyor.credentials.Profiles;
import dev.conveyor.dispatch.DispatchService;
import dev.conveyor.engine.EngineSettings;
import dev.conveyor.engine.JobDrivers;
import dev.conveyor.engine.ProviderOptions;
import dev.conveyor.model.JobSpec;
import dev.conveyor.model.events.JobDispatched;
import dev.conveyor.model.events.JobStaged;
import dev.conveyor.retry.CallPolicy;
import dev.conveyor.retry.RetrySettings;
import dev.conveyor.storage.JobKeys;
import dev.conveyor.storage.JobSpecs;
import dev.conveyor.storage.StoreUnavailableException;
import dev.conveyor.storage.file.FileObjectStore;
import dev.conveyor.testing.FaultyStore;
import dev.conveyor.testing.Jobs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A monitoring cycle turns its jobs at once, and hands each job's outcome on as soon as that job's turn ends:
 * what a job produced (its status events, its completion) does not wait for the slowest turn of the cycle —
 * on a cloud store one turn may wait for several round trips while another is done after one.
 */
class MonitoringServiceTest {
    @TempDir
    Path dir;

    /** Drivers for jobs on the noop backend. */
    private static JobDrivers drivers(FaultyStore store) {
        return new JobDrivers(new ComputeBackends(List.of(new NoopComputeBackend())), store,
                new ProviderOptions(Profiles.none(), Set.of(), n -> null), EngineSettings.DEFAULT,
                t -> RetrySettings.quick(2), Clock.systemUTC());
    }

    @Test
    void aStoreAwayForAMomentWhileAJobIsTakenInIsWaitedForNotTheJobFailed() throws Exception {
        FaultyStore store = new FaultyStore(new FileObjectStore(dir));
        JobDrivers drivers = drivers(store);
        JobSpec spec = Jobs.of("away", "runsOn: {type: noop}\ntasks: [{id: t, command: 'echo hi'}]");
        JobSpecs.Ref ref = new JobSpecs(store).save(spec);
        JobDispatched dispatched = new DispatchService(drivers, store, Clock.systemUTC())
                .dispatch(new JobStaged("away", ref.key(), ref.hash(), "{}", Instant.now()), spec, List.of(Optional.empty()));

        store.failLists(3); // nothing read with the check: the run state is found by a listing, which fails three times
        MonitoringService once = new MonitoringService(drivers, store, Clock.systemUTC(), CallPolicy.direct("stages"));
        assertThatThrownBy(() -> once.watch(dispatched, "record", null, List.of()))
                .as("one try: the store's moment away is the job's end (what failed jobs under chaos on Azurite)")
                .hasCauseInstanceOf(StoreUnavailableException.class);

        MonitoringService monitoring = new MonitoringService(drivers, store, Clock.systemUTC(),
                new CallPolicy("stages", RetrySettings.quick(5)));
        assertThat(monitoring.watch(dispatched, "record", null, List.of())).isEqualTo(MonitoringService.Started.WATCHING);
        assertThat(store.refused()).as("three listings refused, then the fourth answered").isEqualTo(3);
        assertThat(monitoring.watching()).isEqualTo(1);
    }

    @Test
    void eachJobsOutcomeIsHandedOnWhenItsTurnEndsNotWhenTheCycleDoes() throws Exception {
        FaultyStore store = new FaultyStore(new FileObjectStore(dir));
        JobDrivers drivers = drivers(store);
        DispatchService dispatch = new DispatchService(drivers, store, Clock.systemUTC());
        MonitoringService monitoring = new MonitoringService(drivers, store, Clock.systemUTC(), CallPolicy.direct("stages"));
        for (String id : List.of("fast", "slow")) {
            JobSpec spec = Jobs.of(id, "runsOn: {type: noop}\ntasks: [{id: t, command: 'echo hi'}]");
            JobSpecs.Ref ref = new JobSpecs(store).save(spec);
            JobDispatched dispatched = dispatch.dispatch(new JobStaged(id, ref.key(), ref.hash(), "{}", Instant.now()),
                    spec, List.of(Optional.empty()));
            assertThat(monitoring.watch(dispatched, id, null, List.of())).isEqualTo(MonitoringService.Started.WATCHING);
        }
        CountDownLatch release = new CountDownLatch(1);
        store.holdWrites(k -> k.equals(JobKeys.runState("slow", 2)), release); // the slow job's turn waits on the store
        ConcurrentLinkedQueue<String> handedOn = new ConcurrentLinkedQueue<>();
        ExecutorService turns = Executors.newFixedThreadPool(2);
        try {
            CompletableFuture<List<MonitoringService.Outcome>> cycle = CompletableFuture.supplyAsync(
                    () -> monitoring.cycle("noop", turns, o -> handedOn.add(o.jobId())));

            await().atMost(Duration.ofSeconds(10)).until(() -> handedOn.contains("fast"));
            assertThat(cycle).as("the cycle still waits for the slow job's turn").isNotDone();
            assertThat(handedOn).containsExactly("fast");

            release.countDown();
            List<MonitoringService.Outcome> outcomes = cycle.get();
            assertThat(outcomes).extracting(MonitoringService.Outcome::jobId).containsExactlyInAnyOrder("fast", "slow");
            assertThat(handedOn).containsExactly("fast", "slow");
            assertThat(outcomes).allSatisfy(o -> assertThat(o.launched()).isTrue());
        } finally {
            release.countDown();
            turns.shutdownNow();
        }
    }
}
