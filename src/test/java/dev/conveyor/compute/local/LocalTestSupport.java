package dev.conveyor.compute.local;

import dev.conveyor.compute.ComputeJob;
import dev.conveyor.compute.ComputeProvider;
import dev.conveyor.compute.TaskStatus;
import dev.conveyor.storage.ObjectStore;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;

/** Test helpers shared by the local provider tests. */
final class LocalTestSupport {
    private LocalTestSupport() {
    }

    /** Options with a short kill grace and a fast tick, so tests stay quick. */
    static LocalOptions fast(Path dataDir, int slots) {
        return new LocalOptions(dataDir, slots, Duration.ofMillis(500), Duration.ofMillis(50));
    }

    /** Poll until every task is terminal; returns the statuses by task id. */
    static Map<String, TaskStatus> awaitTerminal(ComputeProvider provider, ComputeJob job, Duration atMost) {
        AtomicReference<List<TaskStatus>> last = new AtomicReference<>();
        await().atMost(atMost).pollInterval(Duration.ofMillis(50)).until(() -> {
            last.set(provider.poll(job));
            return last.get().stream().allMatch(s -> s.state().terminal());
        });
        return byId(last.get());
    }

    static Map<String, TaskStatus> awaitTerminal(ComputeProvider provider, ComputeJob job) {
        return awaitTerminal(provider, job, Duration.ofSeconds(20));
    }

    static Map<String, TaskStatus> byId(List<TaskStatus> statuses) {
        return statuses.stream().collect(Collectors.toMap(TaskStatus::taskId, Function.identity()));
    }

    static String read(ObjectStore store, String key) {
        try (InputStream in = store.get(key)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path attemptDir(Path dataDir, String jobId, String taskId, int n) {
        return dataDir.resolve("jobs").resolve(jobId).resolve(taskId).resolve("attempt-" + n);
    }

    /** Whether a process is alive; a zombie counts as dead. */
    static boolean processAlive(long pid) {
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        try {
            String s = Files.readString(stat);
            String state = s.substring(s.lastIndexOf(')') + 2).trim().split(" ")[0];
            return !state.equals("Z") && !state.equals("X");
        } catch (IOException e) {
            return false;
        }
    }
}
