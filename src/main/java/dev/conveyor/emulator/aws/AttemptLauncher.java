package dev.conveyor.emulator.aws;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Starts one attempt of a job: a fresh task id, its log stream ({@code <definition>/default/<task id>} in
 * {@value LogStore#JOB_GROUP}), its own working directory, and the (scaled) attempt timeout.
 */
final class AttemptLauncher implements AutoCloseable {

    private final LogStore logs;
    private final Path workDir;
    private final double timeScale;
    private final JobRunner runner = new JobRunner();

    AttemptLauncher(LogStore logs, Path workDir, double timeScale) {
        this.logs = logs;
        this.workDir = workDir;
        this.timeScale = timeScale;
    }

    Attempt newAttempt(BatchJob job, String computeEnvironment) {
        String taskId = UUID.randomUUID().toString().replace("-", "");
        String stream = job.spec.definition().name() + "/default/" + taskId;
        logs.createStream(LogStore.JOB_GROUP, stream);
        return new Attempt(taskId, computeEnvironment, stream, System.currentTimeMillis());
    }

    /**
     * Starts the attempt's process and stores its handle in {@code job.task}. Returns null when it runs
     * ({@code onEnd} follows later), else the container reason why it could not start.
     */
    String start(BatchJob job, Attempt attempt, int number, Consumer<JobRunner.Outcome> onEnd) {
        String image = job.spec.container().path("image").asText("");
        if (image.contains(".invalid/") || image.endsWith(".invalid")) { // RFC 2606: a registry that cannot exist
            return "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref "
                    + image + ": not found";
        }
        if (job.spec.command().isEmpty()) {
            return "CannotStartContainerError: no command given (the emulator runs no image)";
        }
        JobRunner.LaunchSpec spec = new JobRunner.LaunchSpec(job.spec.command(),
                TaskEnvironment.of(job, number, attempt.computeEnvironment),
                workDir.resolve("jobs").resolve(job.jobId.replace(':', '_')).resolve("attempt-" + number),
                logs.stream(LogStore.JOB_GROUP, attempt.logStreamName).orElseThrow(),
                timeout(job));
        try {
            job.task = runner.launch(spec, onEnd);
            return null;
        } catch (IOException e) {
            return "CannotStartContainerError: " + e.getMessage();
        }
    }

    private Duration timeout(BatchJob job) {
        if (job.spec.timeoutSeconds() == null) {
            return null;
        }
        return Duration.ofMillis(Math.round(job.spec.timeoutSeconds() * 1000 * timeScale));
    }

    @Override
    public void close() {
        runner.close();
    }
}
