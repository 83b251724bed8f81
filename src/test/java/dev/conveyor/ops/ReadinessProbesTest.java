package dev.conveyor.ops;

import dev.conveyor.testing.MutableClock;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class ReadinessProbesTest {
    private final MutableClock clock = new MutableClock();
    private final List<ReadinessProbes> opened = new ArrayList<>();

    @AfterEach
    void close() {
        opened.forEach(ReadinessProbes::close);
    }

    private ReadinessProbes probes(ReadinessContributor... contributors) {
        ReadinessProbes probes = new ReadinessProbes("conveyor", List.of(contributors), Duration.ofSeconds(5),
                Duration.ofMillis(300), clock);
        opened.add(probes);
        return probes;
    }

    @Test
    void upWhenEveryContributorIsUpWithEachAnswerUnderItsName() {
        HealthCheckResponse response = probes(new Counting("object-store", ProbeResult.up("file")),
                new Counting("kafka-broker", ProbeResult.up("1 broker"))).report();

        assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
        assertThat(response.getData()).hasValueSatisfying(data -> assertThat(data)
                .containsEntry("kafka-broker", "UP (1 broker)").containsEntry("object-store", "UP (file)"));
    }

    @Test
    void downWhenOneContributorIsDownAndItSaysWhy() {
        HealthCheckResponse response = probes(new Counting("object-store", ProbeResult.up("file")),
                new Counting("azure-batch-credentials", ProbeResult.down("401 from the account"))).report();

        assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat(response.getData().orElseThrow()).containsEntry("azure-batch-credentials", "DOWN: 401 from the account");
    }

    @Test
    void anAnswerIsReusedWithinTheCachePeriodAndAskedAgainAfterIt() {
        Counting broker = new Counting("kafka-broker", ProbeResult.up("1 broker"));
        ReadinessProbes probes = probes(broker);

        for (int i = 0; i < 10; i++) {
            probes.report();
            clock.advance(Duration.ofMillis(400));
        }
        assertThat(broker.calls.get()).as("10 probes within 4 s of a 5 s cache").isEqualTo(1);

        clock.advance(Duration.ofSeconds(2));
        probes.report();
        assertThat(broker.calls.get()).isEqualTo(2);
    }

    @Test
    void aProbeThatDoesNotAnswerInTimeIsDownAndDoesNotHoldTheReport() {
        CountDownLatch never = new CountDownLatch(1);
        ReadinessContributor hanging = contributor("s3", () -> {
            never.await();
            return ProbeResult.up("late");
        });

        HealthCheckResponse response = probes(hanging).report();

        assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat(response.getData().orElseThrow()).containsEntry("s3", "DOWN: no answer within 300 ms");
        never.countDown();
    }

    @Test
    void aProbeThatThrowsIsDownWithTheErrorMessage() {
        ReadinessContributor failing = contributor("object-store", () -> {
            throw new java.io.IOException("disk gone");
        });

        assertThat(probes(failing).report().getData().orElseThrow())
                .containsEntry("object-store", "DOWN: IOException: disk gone");
    }

    @Test
    void concurrentProbesShareOneCheck() {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        ReadinessProbes probes = new ReadinessProbes("conveyor", List.of(contributor("kafka-broker", () -> {
            calls.incrementAndGet();
            release.await();
            return ProbeResult.up("1 broker");
        })), Duration.ofSeconds(5), Duration.ofSeconds(30), clock);
        opened.add(probes);

        List<CompletableFuture<HealthCheckResponse>> reports = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            reports.add(CompletableFuture.supplyAsync(probes::report));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> calls.get() == 1);
        release.countDown();

        assertThat(reports).allSatisfy(r -> assertThat(r.join().getStatus()).isEqualTo(HealthCheckResponse.Status.UP));
        assertThat(calls.get()).isEqualTo(1);
    }

    private interface Probe {
        ProbeResult run() throws Exception;
    }

    private static ReadinessContributor contributor(String name, Probe probe) {
        return new ReadinessContributor() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public ProbeResult probe() throws Exception {
                return probe.run();
            }
        };
    }

    private static final class Counting implements ReadinessContributor {
        private final String name;
        private final ProbeResult result;
        final AtomicInteger calls = new AtomicInteger();

        Counting(String name, ProbeResult result) {
            this.name = name;
            this.result = result;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public ProbeResult probe() {
            calls.incrementAndGet();
            return result;
        }
    }
}
