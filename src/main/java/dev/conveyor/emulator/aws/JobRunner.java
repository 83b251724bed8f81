package dev.conveyor.emulator.aws;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Runs a job attempt's container command as a local process (exec form, like Docker's CMD array),
 * sends its stdout and stderr lines to the attempt's log stream, and enforces the attempt timeout.
 * Output is read until the pipes close (at most two seconds after the main process ended). Processes the
 * command started and left running are not killed once the main process is gone (a container's would be).
 */
final class JobRunner implements AutoCloseable {

    enum Ending { EXITED, TIMED_OUT, TERMINATED }

    record LaunchSpec(List<String> command, Map<String, String> environment, Path directory, LogStore.Stream log,
                      Duration timeout) {
    }

    record Outcome(int exitCode, Ending ending) {
    }

    /** A running attempt. */
    interface Task {
        /** Stops the attempt as TerminateJob does: SIGTERM, then SIGKILL after a grace period. */
        void terminate();
    }

    private static final Duration GRACE = Duration.ofSeconds(2);
    private static final Duration OUTPUT_DRAIN = Duration.ofSeconds(2);

    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "aws-batch-emulator-task");
        t.setDaemon(true);
        return t;
    });
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "aws-batch-emulator-timer");
        t.setDaemon(true);
        return t;
    });

    /** Starts the process; {@code onEnd} runs once, on another thread, after it ended and its output is logged. */
    Task launch(LaunchSpec spec, Consumer<Outcome> onEnd) throws IOException {
        Files.createDirectories(spec.directory());
        ProcessBuilder builder = new ProcessBuilder(spec.command()).directory(spec.directory().toFile());
        Map<String, String> env = builder.environment();
        String path = System.getenv("PATH");
        env.clear();
        env.put("PATH", path != null ? path : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        env.put("HOME", spec.directory().toString());
        env.putAll(spec.environment());
        Process process = builder.start();
        process.getOutputStream().close();

        AtomicReference<Ending> ending = new AtomicReference<>();
        Runnable stop = () -> {
            process.descendants().forEach(ProcessHandle::destroy);
            process.toHandle().destroy(); // unlike Process.destroy, leaves the output pipes to drain
            timers.schedule(() -> kill(process), GRACE.toMillis(), TimeUnit.MILLISECONDS);
        };
        ScheduledFuture<?> timeout = spec.timeout() == null ? null : timers.schedule(() -> {
            if (ending.compareAndSet(null, Ending.TIMED_OUT)) {
                stop.run();
            }
        }, Math.max(1, spec.timeout().toMillis()), TimeUnit.MILLISECONDS);

        var out = threads.submit(() -> pump(process.getInputStream(), spec.log()));
        var err = threads.submit(() -> pump(process.getErrorStream(), spec.log()));
        threads.submit(() -> {
            int exit = waitFor(process);
            if (timeout != null) {
                timeout.cancel(false);
            }
            try {
                // a background process the command left behind may hold the pipes open: stop waiting then
                out.get(OUTPUT_DRAIN.toMillis(), TimeUnit.MILLISECONDS);
                err.get(OUTPUT_DRAIN.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception ignored) {
                kill(process);
                process.destroyForcibly(); // also closes the pipes
            }
            ending.compareAndSet(null, Ending.EXITED);
            onEnd.accept(new Outcome(exit, ending.get()));
        });
        return () -> {
            if (ending.compareAndSet(null, Ending.TERMINATED)) {
                stop.run();
            }
        };
    }

    private static int waitFor(Process process) {
        while (true) {
            try {
                return process.waitFor();
            } catch (InterruptedException e) {
                kill(process);
            }
        }
    }

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.toHandle().destroyForcibly();
    }

    private static void pump(InputStream in, LogStore.Stream log) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                log.append(line);
            }
        } catch (IOException ignored) {
            // the process went away
        }
    }

    @Override
    public void close() {
        threads.shutdownNow();
        timers.shutdownNow();
    }
}
