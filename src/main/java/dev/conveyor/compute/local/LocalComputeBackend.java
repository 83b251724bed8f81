package dev.conveyor.compute.local;

import dev.conveyor.compute.BackendJob;
import dev.conveyor.compute.Capabilities;
import dev.conveyor.compute.ComputeBackend;
import dev.conveyor.compute.TaskHandle;
import dev.conveyor.compute.TaskLaunch;
import dev.conveyor.compute.TaskObservation;
import dev.conveyor.compute.TerminalComputeException;
import dev.conveyor.compute.TransientComputeException;
import dev.conveyor.model.TaskState;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The {@code local} backend: each attempt runs as a local process ({@link ProcessLauncher}), at
 * most {@code slots} at once per instance. All state is in the attempt's folder under the data dir
 * ({@link AttemptDir}), so instances sharing the data dir on one machine can describe, stop and
 * finish each other's attempts, and one that restarts adopts what still runs: exactly one instance
 * starts an attempt (it creates the {@code started} marker atomically), whoever describes it next
 * sees how it stands. Processes keep running when this instance stops.
 */
public final class LocalComputeBackend implements ComputeBackend, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(LocalComputeBackend.class);

    private final LocalOptions options;
    private final Path jobsDir;
    private final ProcessLauncher launcher;
    private final AttemptInspector inspector;
    private final ScheduledExecutorService ticker;
    private final Set<Path> queue = new LinkedHashSet<>();
    private final Set<ProcessHandle> running = new LinkedHashSet<>();
    private volatile Runnable wake = () -> { };

    public LocalComputeBackend(LocalOptions options) {
        this.options = options;
        this.jobsDir = options.dataDir().resolve("jobs");
        this.launcher = new ProcessLauncher(options.isolation());
        this.inspector = new AttemptInspector(options.killGrace());
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "conveyor-local");
            t.setDaemon(true);
            return t;
        });
        long tick = options.tick().toMillis();
        ticker.scheduleWithFixedDelay(this::tick, tick, tick, TimeUnit.MILLISECONDS);
        LOG.infof("local backend: %d slots, tasks in %s", options.slots(),
                launcher.namespaces() ? "their own PID namespace" : "their own process group (no PID namespace here)");
    }

    @Override
    public String type() {
        return "local";
    }

    @Override
    public Capabilities capabilities() {
        return new Capabilities(true, false, 0, 100, true, true);
    }

    /** Whether tasks run in a PID namespace of their own. */
    public boolean isolatesProcesses() {
        return launcher.namespaces();
    }

    @Override
    public void onChange(Runnable wake) {
        this.wake = wake;
    }

    @Override
    public Map<String, String> ensureEnvironment(BackendJob job) {
        return Map.of(); // the machine is the environment
    }

    @Override
    public List<TaskHandle> submit(BackendJob job, List<TaskLaunch> launches) {
        List<TaskHandle> out = new ArrayList<>(launches.size());
        for (TaskLaunch l : launches) {
            if (!job.maySubmit()) {
                out.add(null); // its window closed: not sent
                continue;
            }
            AttemptDir a = attempt(job.jobId(), l.taskId(), l.attempt());
            try {
                Files.createDirectories(a.dir().getParent());
                Files.createDirectory(a.dir());
                AttemptFiles.write(a.request(), new AttemptFiles.Request(job.jobId(), l.taskId(), l.attempt(), l.command(),
                        l.timeoutSeconds(), Instant.now()));
                synchronized (queue) {
                    queue.add(a.dir());
                }
            } catch (FileAlreadyExistsException e) {
                // submitted before (a repeated submit after a crash): the same attempt, not a second one
            } catch (IOException e) {
                throw new TransientComputeException("cannot create the folder of " + l.submissionId() + ": " + e.getMessage(), e);
            }
            out.add(handle(job.jobId(), l, a));
        }
        wakeTicker();
        return out;
    }

    @Override
    public Map<String, TaskHandle> recover(BackendJob job, List<TaskLaunch> launches) {
        Map<String, TaskHandle> found = new LinkedHashMap<>();
        for (TaskLaunch l : launches) {
            AttemptDir a = attempt(job.jobId(), l.taskId(), l.attempt());
            if (Files.isRegularFile(a.request())) {
                found.put(l.submissionId(), handle(job.jobId(), l, a));
            }
        }
        return found;
    }

    @Override
    public Map<TaskHandle, TaskObservation> describe(List<TaskHandle> handles) {
        Map<TaskHandle, TaskObservation> out = new LinkedHashMap<>();
        Instant now = Instant.now();
        boolean queued = false;
        for (TaskHandle h : handles) {
            AttemptDir a = resolve(h);
            try {
                TaskObservation o = inspector.inspect(a, now);
                if (o == null) { // nobody has started it (its submitter may be gone): start it here
                    synchronized (queue) {
                        queued |= queue.add(a.dir());
                    }
                    o = TaskObservation.queued();
                }
                out.put(h, o);
            } catch (IOException e) {
                throw new TransientComputeException("cannot read " + a.dir() + ": " + e.getMessage(), e);
            }
        }
        if (queued) {
            wakeTicker();
        }
        return out;
    }

    @Override
    public void terminate(BackendJob job, List<TaskHandle> handles, String reason) {
        Instant now = Instant.now();
        for (TaskHandle h : handles) {
            AttemptDir a = resolve(h);
            try {
                if (claim(a)) { // never started: make sure nobody does, and say why
                    AttemptFiles.write(a.kill(), new AttemptFiles.Kill(TaskState.CANCELLED, reason, now));
                    continue;
                }
                inspector.stop(a, AttemptFiles.read(a.launch(), AttemptFiles.Launch.class), TaskState.CANCELLED, reason, now);
            } catch (IOException e) {
                throw new TransientComputeException("cannot stop " + a.dir() + ": " + e.getMessage(), e);
            }
        }
    }

    @Override
    public void release(BackendJob job) {
        Path dir = jobDir(job.jobId());
        if (!Files.exists(dir)) {
            return;
        }
        try {
            stopAll(dir); // never leave a process without its folder
            for (int pass = 0; ; pass++) {
                try (Stream<Path> walk = Files.walk(dir)) {
                    for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                    break;
                } catch (java.nio.file.DirectoryNotEmptyException | java.nio.file.NoSuchFileException e) {
                    if (pass >= 3) {
                        throw e; // something keeps writing into it
                    }
                }
            }
        } catch (IOException e) {
            throw new TransientComputeException("cannot delete " + dir + ": " + e.getMessage(), e);
        }
        synchronized (queue) {
            queue.removeIf(p -> p.startsWith(dir));
        }
    }

    /** SIGKILLs every live attempt of the job and waits (a few seconds at most) until their process trees are gone. */
    private static void stopAll(Path jobDir) throws IOException {
        List<AttemptFiles.Launch> alive = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(jobDir)) {
            for (Path p : walk.filter(f -> f.getFileName().toString().equals("launch.json")).toList()) {
                AttemptFiles.Launch l = AttemptFiles.read(p, AttemptFiles.Launch.class);
                if (l != null && ProcessGroups.alive(l.pid(), l.processStart())) {
                    ProcessGroups.signalGroup(l.pid(), l.processStart(), true);
                    alive.add(l);
                }
            }
        }
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        while (alive.stream().anyMatch(l -> ProcessGroups.groupAlive(l.pid(), l.processStart())) && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    /** The jobs with attempt folders here (for the orphan reaper). */
    @Override
    public Set<String> jobsHeld() {
        if (!Files.isDirectory(jobsDir)) {
            return Set.of();
        }
        try (Stream<Path> dirs = Files.list(jobsDir)) {
            return dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString())
                    .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
        } catch (IOException e) {
            throw new TransientComputeException("cannot list " + jobsDir + ": " + e.getMessage(), e);
        }
    }

    /** Starts queued attempts while slots are free. Never throws: a failed start is retried next tick. */
    private void tick() {
        try {
            synchronized (running) {
                running.removeIf(p -> !p.isAlive());
            }
            while (true) {
                Path next;
                synchronized (queue) {
                    if (queue.isEmpty() || runningCount() >= options.slots()) {
                        return;
                    }
                    next = queue.iterator().next();
                    queue.remove(next);
                }
                start(new AttemptDir(next));
            }
        } catch (Throwable t) {
            LOG.error("local backend tick failed", t);
        }
    }

    private int runningCount() {
        synchronized (running) {
            return running.size();
        }
    }

    private void start(AttemptDir a) {
        try {
            AttemptFiles.Request request = AttemptFiles.read(a.request(), AttemptFiles.Request.class);
            if (request == null || !claim(a)) {
                return; // released meanwhile, or another instance started it
            }
            // this attempt's job and task in the MDC: a line logged while it starts names them
            dev.conveyor.compute.TaskLogContext.with(request.jobId(), request.taskId(), () -> {
                try {
                    launch(a, request);
                } catch (IOException e) {
                    couldNotStart(a, e);
                }
                return null;
            });
        } catch (IOException e) {
            couldNotStart(a, e);
        } catch (Exception e) {
            LOG.error("local backend: starting " + a.dir() + " failed", e);
        }
        wake.run();
    }

    private void launch(AttemptDir a, AttemptFiles.Request request) throws IOException {
        AttemptFiles.Launch launch = launcher.launch(a, request.command(), () -> wake.run());
        AttemptFiles.write(a.launch(), launch);
        ProcessHandle.of(launch.pid()).ifPresent(p -> {
            synchronized (running) {
                running.add(p);
            }
        });
    }

    private static void couldNotStart(AttemptDir a, IOException e) {
        LOG.warnf("could not start %s: %s", a.dir(), e.getMessage());
        try {
            Files.writeString(a.exitCode(), "127\n");
            Files.writeString(a.processLog(), "could not start the process: " + e.getMessage() + "\n");
        } catch (IOException ignored) {
            // the attempt is then lost after the launch grace period
        }
    }

    /** Creates the {@code started} marker: true for the one caller that created it. */
    private static boolean claim(AttemptDir a) throws IOException {
        try {
            Files.createFile(a.started());
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        }
    }

    private void wakeTicker() {
        try {
            ticker.execute(this::tick);
        } catch (RejectedExecutionException e) {
            // closed
        }
    }

    private Path jobDir(String jobId) {
        return checked(jobsDir.resolve(jobId));
    }

    private AttemptDir attempt(String jobId, String taskId, int attempt) {
        return new AttemptDir(checked(jobDir(jobId).resolve(taskId).resolve(AttemptDir.name(attempt))));
    }

    private AttemptDir resolve(TaskHandle h) {
        return new AttemptDir(checked(options.dataDir().resolve(h.ref())));
    }

    private TaskHandle handle(String jobId, TaskLaunch l, AttemptDir a) {
        return new TaskHandle(type(), jobId, l.taskId(), l.attempt(), options.dataDir().relativize(a.dir()).toString());
    }

    /** Every path this backend touches stays inside its jobs folder. */
    private Path checked(Path p) {
        Path n = p.toAbsolutePath().normalize();
        if (!n.startsWith(jobsDir) || n.equals(jobsDir)) {
            throw new TerminalComputeException("BadHandle", "not a local attempt: " + p, null);
        }
        return n;
    }

    /** Stops the ticker; task processes keep running, for this or another instance to adopt. */
    @Override
    public void close() {
        ticker.shutdownNow();
        try {
            ticker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
