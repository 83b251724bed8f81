package dev.conveyor.emulator.azure;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs one attempt of a task as a local process: downloads resource files, runs {@code sh -c commandLine} in the
 * task's wd/ with stdout.txt and stderr.txt beside it, enforces maxWallClockTime, uploads output files, and
 * records the outcome.
 */
final class TaskRunner {
    private static final Logger LOG = Logger.getLogger(TaskRunner.class.getName());

    private final BatchState state;
    private final TaskLifecycle lifecycle;
    private final TaskFiles files;
    private final ExecutorService workers;
    private final Runnable kickScheduler;
    /** Called (holding the lock) with a job and a terminate reason when a task's exit options end its job. */
    private final BiConsumer<Entities.Job, String> terminateJob;

    TaskRunner(BatchState state, TaskLifecycle lifecycle, TaskFiles files, ExecutorService workers,
               Runnable kickScheduler, BiConsumer<Entities.Job, String> terminateJob) {
        this.state = state;
        this.lifecycle = lifecycle;
        this.files = files;
        this.workers = workers;
        this.kickScheduler = kickScheduler;
        this.terminateJob = terminateJob;
    }

    void start(Entities.Task task, int attempt) {
        workers.submit(() -> {
            try {
                run(task, attempt);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "task runner failed for " + task.jobId + "/" + task.id(), e);
            } finally {
                kickScheduler.run();
            }
        });
    }

    /** Stops a task's process from outside (call holding the lock). */
    void stop(Entities.Task task, Entities.StopReason reason) {
        task.stopReason = reason;
        Process p = task.process;
        if (p != null) kill(p);
    }

    private void run(Entities.Task task, int attempt) {
        Path dir;
        JsonNode snapshot;
        Map<String, String> env;
        Duration wallClock;
        synchronized (state) {
            if (!lifecycle.current(task, attempt)) return;
            dir = task.taskDir;
            snapshot = task.json.deepCopy();
            env = TaskEnvironment.of(state, state.job(task.jobId), task);
            Duration max = Validation.duration(task.json.path("constraints"), "maxWallClockTime");
            wallClock = max == null ? null : max.minus(Duration.between(task.firstStart, Instant.now()));
        }
        Path wd = dir.resolve("wd");
        try {
            Files.createDirectories(wd);
            Files.createDirectories(Path.of(env.get("AZ_BATCH_NODE_SHARED_DIR")));
            Files.createDirectories(Path.of(env.get("AZ_BATCH_NODE_STARTUP_DIR")));
            Files.deleteIfExists(dir.resolve("stdout.txt"));
            Files.deleteIfExists(dir.resolve("stderr.txt"));
            files.download(snapshot.path("resourceFiles"), wd);
        } catch (IOException | RuntimeException e) {
            complete(task, attempt, null, TaskLifecycle.RESOURCE_FAILURE_CODE,
                    "Miscellaneous error encountered while downloading one of the specified Azure Blob(s): " + e.getMessage(), false);
            return;
        }
        Process process;
        synchronized (state) {
            if (!lifecycle.current(task, attempt)) return;
            if (task.stopReason != Entities.StopReason.NONE) {
                complete(task, attempt, null, "TaskEnded", stopMessage(task.stopReason), false);
                return;
            }
            try {
                ProcessBuilder pb = new ProcessBuilder("sh", "-c", snapshot.path("commandLine").asText())
                        .directory(wd.toFile())
                        .redirectOutput(dir.resolve("stdout.txt").toFile())
                        .redirectError(dir.resolve("stderr.txt").toFile());
                pb.environment().putAll(env);
                process = pb.start();
            } catch (IOException e) {
                complete(task, attempt, null, "CommandProgramNotFound", "The specified command program is not found: "
                        + e.getMessage(), false);
                return;
            }
            task.process = process;
            lifecycle.running(task);
        }
        boolean timedOut = !waitFor(process, wallClock);
        if (timedOut) kill(process);
        int exitCode = exitValue(process);
        Entities.StopReason stopped = task.stopReason;
        if (stopped != Entities.StopReason.NONE && stopped != Entities.StopReason.USER_TERMINATE && !timedOut) {
            complete(task, attempt, exitCode, "TaskEnded", stopMessage(stopped), false);
            return;
        }
        boolean success = exitCode == 0 && !timedOut && stopped == Entities.StopReason.NONE;
        String uploadFailure = files.upload(snapshot.path("outputFiles"), wd, success);
        if (stopped == Entities.StopReason.USER_TERMINATE) {
            complete(task, attempt, exitCode, "TaskEnded", stopMessage(stopped), false);
        } else if (timedOut) {
            complete(task, attempt, exitCode, "TaskEnded",
                    "The task was ended because it exceeded its maximum wall clock time (maxWallClockTime)", false);
        } else if (uploadFailure != null) {
            complete(task, attempt, exitCode, TaskLifecycle.UPLOAD_FAILURE_CODE, uploadFailure, false);
        } else {
            complete(task, attempt, exitCode, null, null, true);
        }
    }

    private void complete(Entities.Task task, int attempt, Integer exitCode, String code, String message, boolean retryable) {
        synchronized (state) {
            if (!lifecycle.current(task, attempt)) {
                return;
            }
            boolean done = lifecycle.finish(task, exitCode, code, message, retryable);
            if (done) {
                Entities.Job job = state.job(task.jobId);
                if ("terminate".equals(ExitPolicy.jobAction(task.json, job.json)) && "active".equals(job.state())) {
                    terminateJob.accept(job, "TaskFailed");
                }
            }
        }
    }

    private static String stopMessage(Entities.StopReason reason) {
        return switch (reason) {
            case JOB_TERMINATED -> "Task Was Ended because its Job was Terminated";
            case DELETED -> "Task Was Deleted";
            default -> "Task Was Ended by User Request";
        };
    }

    private static boolean waitFor(Process p, Duration limit) {
        try {
            if (limit == null) {
                p.waitFor();
                return true;
            }
            return !limit.isNegative() && p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill(p);
            return true;
        }
    }

    private static int exitValue(Process p) {
        try {
            return p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }
}
