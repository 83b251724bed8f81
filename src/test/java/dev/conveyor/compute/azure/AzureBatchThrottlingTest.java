package dev.conveyor.compute.azure;

import dev.conveyor.compute.BackendJob;
import dev.conveyor.compute.TaskHandle;
import dev.conveyor.compute.TaskObservation;
import dev.conveyor.compute.TransientComputeException;
import dev.conveyor.credentials.Profile;
import dev.conveyor.emulator.azure.AzureBatchEmulatorOptions;
import dev.conveyor.emulator.azure.FaultOptions;
import dev.conveyor.engine.EngineSettings;
import dev.conveyor.engine.JobDriver;
import dev.conveyor.model.JobSpec;
import dev.conveyor.model.JobState;
import dev.conveyor.retry.CallPolicy;
import dev.conveyor.retry.RetrySettings;
import dev.conveyor.testing.Jobs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Batch service throttling (429 with Retry-After) and busy (503) on 10% of requests: every job
 * still SUCCEEDS, every retry goes through the one CallPolicy, and none comes before the
 * Retry-After the service gave.
 */
class AzureBatchThrottlingTest {
    @TempDir
    Path root;
    private AzureBatchFixture azure;

    @AfterEach
    void stop() {
        if (azure != null) {
            azure.close();
        }
    }

    private AzureBatchFixture start(FaultOptions faults) {
        azure = new AzureBatchFixture(root, AzureBatchEmulatorOptions.defaults().withAllocationDelay(Duration.ofMillis(50))
                .withFaults(faults), AzureBatchSettings.DEFAULT.withSweepInterval(Duration.ZERO));
        return azure;
    }

    @Test
    void withTenPercentThrottledOrBusyEveryJobSucceeds() throws Exception {
        start(FaultOptions.none().withThrottleRate(0.05).withServerErrors(0.05, 503).withSeed(7));
        CallPolicy policy = new CallPolicy("azure-batch", new RetrySettings(12, Duration.ofMillis(50), Duration.ofSeconds(2),
                0.25, Duration.ofMinutes(2), 0));
        List<Throwable> retried = new CopyOnWriteArrayList<>();
        policy.onRetry((op, e) -> retried.add(e));
        EngineSettings settings = EngineSettings.DEFAULT.withRetryBackoff(Duration.ofMillis(200), Duration.ofSeconds(1))
                .withTimeoutGrace(Duration.ofSeconds(2));
        List<JobDriver> drivers = new ArrayList<>();
        for (int j = 0; j < 4; j++) {
            JobSpec spec = Jobs.of("thr-" + j + "-" + System.nanoTime(), """
                    tasks:
                      - {id: a, command: 'echo a'}
                      - {id: b, command: 'echo b', needs: [a]}
                      - {id: c, command: 'echo c'}
                    """);
            BackendJob job = new BackendJob(spec.id(), spec.name(), Map.of("pool_id", "thr", "node_count", "2",
                    "max_tasks_per_node", "4"), new Profile("default", null, null, Map.of()), Map.of(), null, Map.of());
            JobDriver d = new JobDriver(spec, job, azure.backend, policy, azure.store, settings, Clock.systemUTC());
            d.open();
            drivers.add(d);
        }
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
            boolean all = true;
            for (JobDriver d : drivers) {
                if (d.state().ended()) {
                    continue;
                }
                Map<TaskHandle, TaskObservation> seen = policy.call("describe", () -> azure.backend.describe(d.activeHandles()));
                d.advance(seen, null);
                all &= d.state().ended();
            }
            return all;
        });
        assertThat(drivers).allSatisfy(d -> assertThat(d.state().finalState).isEqualTo(JobState.SUCCEEDED));
        assertThat(retried).as("faults were injected and retried").isNotEmpty()
                .allMatch(e -> e instanceof TransientComputeException);
        assertThat(retried).as("429 and 503 both carry the service's Retry-After")
                .allMatch(e -> ((TransientComputeException) e).retryAfter().isPresent());
    }

    @Test
    void noRetryComesBeforeTheRetryAfterTheServiceGave() {
        start(FaultOptions.none().withThrottleRate(1.0)); // every request: 429, Retry-After: 1
        CallPolicy policy = new CallPolicy("azure-batch", new RetrySettings(3, Duration.ofMillis(10), Duration.ofMillis(50),
                0.25, Duration.ofMinutes(1), 0));
        List<Instant> attempts = new CopyOnWriteArrayList<>();
        try {
            policy.call("check", () -> {
                attempts.add(Instant.now());
                azure.backend.check();
                return null;
            });
        } catch (TransientComputeException expected) {
            assertThat(expected.throttled()).isTrue();
            assertThat(expected.retryAfter()).contains(Duration.ofSeconds(1));
        }
        assertThat(attempts).hasSize(4);
        for (int i = 1; i < attempts.size(); i++) {
            assertThat(Duration.between(attempts.get(i - 1), attempts.get(i))).as("wait before retry %d", i)
                    .isGreaterThanOrEqualTo(Duration.ofMillis(990));
        }
        assertThat(azure.count("Pool_List")).isEqualTo(4);
    }
}
