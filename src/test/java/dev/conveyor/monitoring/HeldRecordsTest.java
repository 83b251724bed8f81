package dev.conveyor.monitoring;

import dev.conveyor.compute.ComputeBackends;
import dev.conveyor.compute.noop.NoopComputeBackend;
import dev.conveyor.credentials.Profiles;
import dev.conveyor.dispatch.DispatchService;
import dev.conveyor.engine.EngineSettings;
import dev.conveyor.engine.JobDrivers;
import dev.conveyor.engine.ProviderOptions;
import dev.conveyor.messaging.HeldRecords;
import dev.conveyor.model.JobSpec;
import dev.conveyor.model.events.JobDispatched;
import dev.conveyor.model.events.JobStaged;
import dev.conveyor.retry.CallPolicy;
import dev.conveyor.retry.RetrySettings;
import dev.conveyor.storage.JobSpecs;
import dev.conveyor.storage.file.FileObjectStore;
import dev.conveyor.testing.FaultyStore;
import dev.conveyor.testing.Jobs;
import io.smallrye.mutiny.Uni;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A running job is not failed because the object store stayed away longer than the stage's retry policy: its
 * dispatched record is held and the job taken in again once the store answers. A failure that will not pass
 * still fails it at once, and a record whose partition left is not taken in here again.
 */
class HeldRecordsTest {
    @TempDir
    Path dir;

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final ConcurrentLinkedQueue<String> failed = new ConcurrentLinkedQueue<>();

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    private static JobDrivers drivers(FaultyStore store) {
        return new JobDrivers(new ComputeBackends(List.of(new NoopComputeBackend())), store,
                new ProviderOptions(Profiles.none(), Set.of(), n -> null), EngineSettings.DEFAULT,
                t -> RetrySettings.quick(2), Clock.systemUTC());
    }

    private static JobDispatched dispatched(FaultyStore store, JobDrivers drivers, String id) throws Exception {
        JobSpec spec = Jobs.of(id, "runsOn: {type: noop}\ntasks: [{id: t, command: 'echo hi'}]");
        JobSpecs.Ref ref = new JobSpecs(store).save(spec);
        return new DispatchService(drivers, store, Clock.systemUTC())
                .dispatch(new JobStaged(id, ref.key(), ref.hash(), "{}", Instant.now()), spec, List.of(Optional.empty()));
    }

    /** Monitoring whose stage policy makes two tries per intake. */
    private static MonitoringService monitoring(JobDrivers drivers, FaultyStore store) {
        return new MonitoringService(drivers, store, Clock.systemUTC(), new CallPolicy("stages", RetrySettings.quick(1)));
    }

    /** What the stage does with a dispatched record: take it in; hold it while the trouble may pass; else fail the job. */
    private void takeIn(MonitoringService monitoring, HeldRecords held, JobDispatched event, Object token) {
        try {
            monitoring.watch(event, token, null, List.of());
        } catch (Exception e) {
            if (!held.holdIfItMayPass("job " + event.jobId(), token, e, () -> {
                takeIn(monitoring, held, event, token);
                return Uni.createFrom().voidItem();
            })) {
                failed.add(event.jobId() + ": " + e.getMessage());
            }
        }
    }

    @Test
    void aJobIsTakenInOnceTheStoreComesBackAfterThePolicyGaveUpTwice() throws Exception {
        FaultyStore store = new FaultyStore(new FileObjectStore(dir));
        JobDrivers drivers = drivers(store);
        JobDispatched event = dispatched(store, drivers, "away-long");
        // two tries per intake: the first two intakes meet a store that is still away, the third finds it back
        MonitoringService monitoring = monitoring(drivers, store);
        HeldRecords held = new HeldRecords("monitoring", scheduler, Duration.ofMillis(20));
        store.failLists(5);

        takeIn(monitoring, held, event, "record");
        assertThat(monitoring.watching()).isZero();
        assertThat(held.size()).as("held, not failed, while the store is away").isEqualTo(1);

        await().atMost(Duration.ofSeconds(10)).until(() -> monitoring.watching() == 1);
        assertThat(failed).isEmpty();
        assertThat(store.refused()).as("every refused listing was met: 2 + 2 + 1, then one answered").isEqualTo(5);
        assertThat(held.size()).isZero();
        assertThat(monitoring.tokens()).containsEntry("away-long", "record");
    }

    @Test
    void aFailureThatWillNotPassStillFailsTheJobAtOnce() throws Exception {
        FaultyStore store = new FaultyStore(new FileObjectStore(dir));
        JobDrivers drivers = drivers(store);
        JobDispatched real = dispatched(store, drivers, "gone");
        // the event's claim check names a spec that is not the one stored: no retry will change that
        JobDispatched event = new JobDispatched(real.jobId(), real.specKey(), "0".repeat(64), real.backend(), real.request(),
                real.dispatchedAt(), real.runVersion());
        MonitoringService monitoring = monitoring(drivers, store);
        HeldRecords held = new HeldRecords("monitoring", scheduler, Duration.ofMillis(20));

        takeIn(monitoring, held, event, "record");

        assertThat(failed).singleElement().asString().startsWith("gone: ").contains("does not match its claim check");
        assertThat(held.size()).isZero();
        assertThat(monitoring.watching()).isZero();
    }

    @Test
    void aRecordWhosePartitionLeftIsNotTakenInAgainHere() throws Exception {
        FaultyStore store = new FaultyStore(new FileObjectStore(dir));
        JobDrivers drivers = drivers(store);
        JobDispatched event = dispatched(store, drivers, "moved");
        MonitoringService monitoring = monitoring(drivers, store);
        HeldRecords held = new HeldRecords("monitoring", scheduler, Duration.ZERO);
        CountDownLatch busy = new CountDownLatch(1);
        scheduler.execute(() -> await().until(() -> busy.getCount() == 0)); // the scheduler busy until the record is let go
        store.failLists(2);
        AtomicInteger again = new AtomicInteger();

        try {
            monitoring.watch(event, "record", null, List.of());
        } catch (Exception e) {
            assertThat(held.holdIfItMayPass("job " + event.jobId(), "record", e, () -> {
                again.incrementAndGet();
                return Uni.createFrom().voidItem();
            })).isTrue();
        }
        held.letGo("record"::equals);
        busy.countDown();
        scheduler.submit(() -> { }).get(10, TimeUnit.SECONDS); // the held intake's turn has come and gone

        assertThat(again).as("let go before its turn: the partition's new owner takes the job in").hasValue(0);
        assertThat(held.size()).isZero();
        assertThat(failed).isEmpty();
    }

    @Test
    void aStoreAwayIsRecognisedThroughWhatWrapsItAndNothingElseIsHeld() {
        var away = new dev.conveyor.storage.StoreUnavailableException("503", null, null);
        assertThat(HeldRecords.mayPass(away)).isTrue();
        RuntimeException guarded = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class,
                () -> CallPolicy.direct("stages").call("spec", () -> {
                    throw away;
                }));
        assertThat(guarded).isInstanceOf(CallPolicy.CallFailedException.class);
        assertThat(HeldRecords.mayPass(guarded)).isTrue();
        assertThat(HeldRecords.mayPass(new java.io.UncheckedIOException(away))).isTrue();
        assertThat(HeldRecords.mayPass(new IllegalStateException("bean", new RuntimeException(new java.io.UncheckedIOException(away)))))
                .as("a container's wrapping of a store that cannot start").isTrue();
        assertThat(HeldRecords.mayPass(new java.io.UncheckedIOException(new java.io.IOException("403 Forbidden")))).isFalse();
        assertThat(HeldRecords.mayPass(new IllegalArgumentException("no such backend"))).isFalse();
    }

    @Test
    void twoRecordsOfOneJobHeldAtOnceAreEachHandedBack() throws Exception {
        HeldRecords held = new HeldRecords("dispatch", scheduler, Duration.ZERO);
        var away = new dev.conveyor.storage.StoreUnavailableException("503", null, null);
        ConcurrentLinkedQueue<String> back = new ConcurrentLinkedQueue<>();
        for (String record : List.of("conveyor.staged/2/7", "conveyor.staged/2/9")) { // one job staged twice (a re-delivery)
            assertThat(held.holdIfItMayPass("job j (" + record + ")", record, away, () -> {
                back.add(record);
                return Uni.createFrom().voidItem();
            })).isTrue();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> back.size() == 2);
        assertThat(back).containsExactlyInAnyOrder("conveyor.staged/2/7", "conveyor.staged/2/9");
        assertThat(held.size()).isZero();
    }

    /** Once the stage handles a record again, what it held for the store is handed back at once, not after its pause. */
    @Test
    void whatWasHeldForTheStoreIsHandedBackAsSoonAsTheStageHandlesARecordAgain() throws Exception {
        HeldRecords held = new HeldRecords("dispatch", scheduler, Duration.ofHours(1));
        var away = new dev.conveyor.storage.StoreUnavailableException("503", null, null);
        ConcurrentLinkedQueue<String> back = new ConcurrentLinkedQueue<>();
        held.holdIfItMayPass("job a (conveyor.staged/0/1)", "a", away, () -> {
            back.add("a");
            return Uni.createFrom().voidItem();
        });
        class SourceDown extends RuntimeException implements dev.conveyor.retry.TransientFailure, HeldRecords.Pause {
            SourceDown() {
                super("the source answered 503");
            }

            @Override
            public boolean isTransient() {
                return true;
            }

            @Override
            public Duration pause() {
                return Duration.ofHours(1);
            }
        }
        held.holdIfItMayPass("job b (conveyor.submitted/0/2)", "b", new SourceDown(), () -> {
            back.add("b");
            return Uni.createFrom().voidItem();
        });

        held.answered();
        await().atMost(Duration.ofSeconds(10)).until(() -> back.contains("a"));
        scheduler.submit(() -> { }).get(10, TimeUnit.SECONDS); // whatever answered() handed on has run
        assertThat(back).as("the record held for its source keeps its own pace").containsExactly("a");
        assertThat(held.size()).isEqualTo(1);
    }
}
