package dev.conveyor.collection;

import dev.conveyor.compute.ComputeBackends;
import dev.conveyor.compute.local.LocalComputeBackend;
import dev.conveyor.compute.local.LocalOptions;
import dev.conveyor.credentials.Profiles;
import dev.conveyor.engine.EngineSettings;
import dev.conveyor.engine.JobDriver;
import dev.conveyor.engine.JobDrivers;
import dev.conveyor.engine.ProviderOptions;
import dev.conveyor.model.TaskState;
import dev.conveyor.retry.RetrySettings;
import dev.conveyor.storage.JobKeys;
import dev.conveyor.storage.file.FileObjectStore;
import dev.conveyor.testing.EngineRun;
import dev.conveyor.testing.Jobs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** What backends hold for jobs nothing drives any more is released; what a running job holds is not. */
class OrphanReaperTest {
    @TempDir
    Path root;

    @Test
    void releasesJobsThatHaveTheirResultOrNoOwnerAndLeavesRunningOnesAlone() throws Exception {
        FileObjectStore store = new FileObjectStore(root.resolve("store"));
        try (LocalComputeBackend local = new LocalComputeBackend(new LocalOptions(root.resolve("local"), 2))) {
            ComputeBackends backends = new ComputeBackends(List.of(local));
            JobDrivers drivers = new JobDrivers(backends, store, new ProviderOptions(Profiles.none(), Set.of(), n -> null),
                    EngineSettings.DEFAULT, t -> RetrySettings.quick(2), Clock.systemUTC());
            EngineRun run = new EngineRun(local, store, EngineSettings.DEFAULT);
            var finished = Jobs.of("reap-finished", "tasks: [{id: t, command: 'echo done'}]");
            run.runToEnd(finished, Duration.ofSeconds(30));
            store.put(JobKeys.result(finished.id()), "{\"source\":\"x\"}".getBytes(StandardCharsets.UTF_8));
            var running = Jobs.of("reap-running", "tasks: [{id: t, command: 'sleep 30'}]");
            store.put(JobKeys.accepted(running.id()), "{\"source\":\"y\"}".getBytes(StandardCharsets.UTF_8));
            JobDriver d = run.open(running);
            run.runUntil(d, s -> s.task("t").state == TaskState.RUNNING, Duration.ofSeconds(30));
            assertThat(local.jobsHeld()).containsExactlyInAnyOrder("reap-finished", "reap-running");

            int released = new OrphanReaper(drivers, store).reap();

            assertThat(released).isEqualTo(1);
            assertThat(local.jobsHeld()).containsExactly("reap-running");
            assertThat(root.resolve("local/jobs/reap-finished")).doesNotExist();
            local.release(d.context());
        }
    }
}
