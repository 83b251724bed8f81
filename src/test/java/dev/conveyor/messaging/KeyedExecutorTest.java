package dev.conveyor.messaging;

import io.smallrye.mutiny.Uni;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Records of one key strictly in order, of different keys at the same time, never more than the bound in hand. */
class KeyedExecutorTest {
    private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(4);

    /** Work that ends {@code ms} later on another thread, recording when it ran. */
    private Uni<Void> work(List<String> log, String what, int ms, AtomicInteger concurrent, AtomicInteger most) {
        return Uni.createFrom().emitter(e -> {
            most.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
            log.add("start " + what);
            timer.schedule(() -> {
                log.add("end " + what);
                concurrent.decrementAndGet();
                e.complete(null);
            }, ms, TimeUnit.MILLISECONDS);
        });
    }

    @Test
    void oneKeysRecordsRunInOrderAndDifferentKeysOverlap() {
        KeyedExecutor keyed = new KeyedExecutor(16);
        List<String> log = new CopyOnWriteArrayList<>();
        AtomicInteger concurrent = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        List<String> submitted = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            for (String key : List.of("job-a", "job-b")) {
                String what = key + "#" + i;
                submitted.add(what);
                keyed.submit(key, () -> work(log, what, 30, concurrent, most)).await().atMost(Duration.ofSeconds(5));
            }
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> log.size() == 20);
        for (String key : List.of("job-a", "job-b")) {
            List<String> mine = log.stream().filter(l -> l.contains(key)).toList();
            for (int i = 0; i < 5; i++) {
                assertThat(mine.get(2 * i)).isEqualTo("start " + key + "#" + i);
                assertThat(mine.get(2 * i + 1)).isEqualTo("end " + key + "#" + i);
            }
        }
        assertThat(most.get()).as("two keys ran at the same time").isEqualTo(2);
        assertThat(keyed.inFlight()).isZero();
    }

    @Test
    void noMoreThanTheBoundAreInHandAndTheRestWaitForRoom() {
        KeyedExecutor keyed = new KeyedExecutor(3);
        java.util.concurrent.CompletableFuture<Void> release = new java.util.concurrent.CompletableFuture<>();
        AtomicInteger started = new AtomicInteger();
        Map<Integer, Boolean> taken = new ConcurrentHashMap<>();
        for (int i = 0; i < 10; i++) {
            int n = i;
            keyed.submit("k" + i, () -> {
                started.incrementAndGet();
                return Uni.createFrom().completionStage(release);
            }).subscribe().with(x -> taken.put(n, true));
        }
        assertThat(taken).as("taken on while the first three still run").hasSize(3);
        assertThat(started.get()).isEqualTo(3);
        assertThat(keyed.inFlight()).isEqualTo(3);

        release.complete(null);

        await().atMost(Duration.ofSeconds(10)).until(() -> taken.size() == 10 && started.get() == 10);
        await().atMost(Duration.ofSeconds(10)).until(() -> keyed.inFlight() == 0);
    }
}
