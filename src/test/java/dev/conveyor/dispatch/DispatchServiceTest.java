package dev.conveyor.dispatch;

import dev.conveyor.compute.ComputeBackends;
import dev.conveyor.compute.noop.NoopComputeBackend;
import dev.conveyor.credentials.Profiles;
import dev.conveyor.engine.EngineSettings;
import dev.conveyor.engine.JobDrivers;
import dev.conveyor.engine.ProviderOptions;
import dev.conveyor.engine.RunStore;
import dev.conveyor.model.JobSpec;
import dev.conveyor.model.events.JobDispatched;
import dev.conveyor.model.events.JobStaged;
import dev.conveyor.retry.RetrySettings;
import dev.conveyor.storage.JobKeys;
import dev.conveyor.storage.JobSpecs;
import dev.conveyor.storage.file.FileObjectStore;
import dev.conveyor.testing.FaultyStore;
import dev.conveyor.testing.Jobs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Dispatch opens a job's run from what the stage read with its check — run state 1, absent for a new job —
 * without listing the run states; a staged record handled again (a re-delivery, or a second instance
 * during a rebalance that read the same absence) resumes the one run instead of failing the job.
 */
class DispatchServiceTest {
    @TempDir
    Path root;

    @Test
    void aNewJobIsOpenedWithoutAListingAndAnyLaterTryResumesTheSameRun() throws Exception {
        FaultyStore store = new FaultyStore(new FileObjectStore(root));
        DispatchService dispatch = new DispatchService(new JobDrivers(new ComputeBackends(List.of(new NoopComputeBackend())),
                store, new ProviderOptions(Profiles.none(), Set.of(), n -> null), EngineSettings.DEFAULT,
                t -> RetrySettings.quick(2), Clock.systemUTC()), store, Clock.systemUTC());
        JobSpec spec = Jobs.of("dispatch-once", "runsOn: {type: noop}\ntasks: [{id: t, command: 'echo hi'}]");
        JobSpecs.Ref ref = new JobSpecs(store).save(spec);
        JobStaged staged = new JobStaged(spec.id(), ref.key(), ref.hash(), "{}", Instant.now());
        assertThat(DispatchService.runKeys(staged)).containsExactly(JobKeys.runState(spec.id(), 1));
        List<Optional<byte[]>> absent = store.readAll(DispatchService.runKeys(staged), RunStore.MAX_BYTES);

        JobDispatched first = dispatch.dispatch(staged, spec, absent);
        assertThat(first.runVersion()).isEqualTo(1);
        assertThat(first.backend()).isEqualTo("noop");
        assertThat(store.lists()).as("no run state 1 read: nothing to list").isZero();

        JobDispatched again = dispatch.dispatch(staged, spec, store.readAll(DispatchService.runKeys(staged), RunStore.MAX_BYTES));
        JobDispatched stale = dispatch.dispatch(staged, spec, absent);

        assertThat(List.of(again.runVersion(), stale.runVersion())).as("one run, resumed both times").containsExactly(1L, 1L);
        assertThat(store.read(JobKeys.runState(spec.id(), 2), RunStore.MAX_BYTES)).isEmpty();
        assertThat(new RunStore(store).latest(spec.id()).orElseThrow().version).isEqualTo(1);
    }
}
