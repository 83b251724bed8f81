package dev.conveyor.monitoring;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The poller's schedule with an interval of an hour: any second cycle seen within the test's few
 * seconds was started by a wake-up or a launch, never by the clock.
 */
class BackendPollerTest {
    private static final Duration HOUR = Duration.ofHours(1);
    private final ScheduledExecutorService cycles = Executors.newScheduledThreadPool(2);

    @AfterEach
    void stop() {
        cycles.shutdownNow();
    }

    @Test
    void aWakeUpWhileACycleRunsStartsAnotherCycleRightAfterIt() throws Exception {
        CountDownLatch inFirst = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger count = new AtomicInteger();
        BackendPoller poller = new BackendPoller("noop", cycles, () -> {
            if (count.incrementAndGet() == 1) {
                inFirst.countDown();
                waitFor(release);
            }
            return BackendPoller.Cycle.CHANGED; // would wait the floor interval (an hour) for the next
        }, () -> true, HOUR, HOUR);

        poller.wakeNow();
        assertThat(inFirst.await(10, TimeUnit.SECONDS)).isTrue();
        poller.wakeNow(); // a job arrived while the first cycle runs: it is not in that cycle
        release.countDown();

        await().atMost(Duration.ofSeconds(10)).until(() -> count.get() == 2);
    }

    @Test
    void afterSubmittingItAsksAgainAtOnceThenWaitsItsInterval() {
        AtomicInteger count = new AtomicInteger();
        BackendPoller poller = new BackendPoller("noop", cycles,
                () -> count.incrementAndGet() == 1 ? BackendPoller.Cycle.LAUNCHED : BackendPoller.Cycle.CHANGED,
                () -> true, HOUR, HOUR);

        poller.wakeNow();

        await().atMost(Duration.ofSeconds(10)).until(() -> count.get() == 2);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> count.get() == 2);
    }

    @Test
    void withNothingWatchedItStopsUntilWoken() {
        AtomicInteger count = new AtomicInteger();
        BackendPoller poller = new BackendPoller("noop", cycles, quiet(count), () -> false,
                Duration.ofMillis(1), Duration.ofMillis(1));

        poller.wakeNow();
        await().atMost(Duration.ofSeconds(10)).until(() -> count.get() == 1);
        // a 1 ms interval would have run it many times by now if it kept going
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> count.get() == 1);

        poller.wakeNow();
        await().atMost(Duration.ofSeconds(10)).until(() -> count.get() == 2);
    }

    @Test
    void wakeUpsFromManyThreadsNeverRunTwoCyclesAtOnceAndNoneIsLost() throws Exception {
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        AtomicInteger count = new AtomicInteger();
        BackendPoller poller = new BackendPoller("noop", cycles, () -> {
            most.accumulateAndGet(inside.incrementAndGet(), Math::max);
            count.incrementAndGet();
            Thread.onSpinWait();
            inside.decrementAndGet();
            return BackendPoller.Cycle.CHANGED;
        }, () -> true, HOUR, HOUR);

        Thread[] wakers = new Thread[4];
        for (int i = 0; i < wakers.length; i++) {
            wakers[i] = new Thread(() -> {
                for (int k = 0; k < 500; k++) {
                    poller.wakeNow();
                }
            });
            wakers[i].start();
        }
        for (Thread t : wakers) {
            t.join();
        }
        int afterWakes = count.get();
        poller.wakeNow(); // the last wake-up is answered by a cycle that starts after it
        await().atMost(Duration.ofSeconds(10)).until(() -> count.get() > afterWakes);
        assertThat(most.get()).isEqualTo(1);
    }

    private static Supplier<BackendPoller.Cycle> quiet(AtomicInteger count) {
        return () -> {
            count.incrementAndGet();
            return BackendPoller.Cycle.QUIET;
        };
    }

    private static void waitFor(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
