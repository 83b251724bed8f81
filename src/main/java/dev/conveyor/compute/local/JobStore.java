package dev.conveyor.compute.local;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.conveyor.compute.AttemptRecord;
import dev.conveyor.compute.ComputeJob;
import dev.conveyor.model.TaskState;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * On-disk state of the local provider. Every file is written to a temporary name and moved into
 * place, so a crash leaves either the old or the new content, never half of it.
 * <pre>
 * dataDir/jobs/&lt;jobId&gt;/job.json                    the submitted job
 * dataDir/jobs/&lt;jobId&gt;/cancel.json                 present once the job was cancelled
 * dataDir/jobs/&lt;jobId&gt;/&lt;taskId&gt;/task.json         the task's terminal outcome
 * dataDir/jobs/&lt;jobId&gt;/&lt;taskId&gt;/attempt-&lt;n&gt;/...   see {@link AttemptDir}
 * </pre>
 */
final class JobStore {
    /** How the process of an attempt was started. */
    record LaunchRecord(long pid, Instant processStart, Instant startedAt) {
    }

    /** Why the process tree of an attempt was (or is being) stopped. */
    record KillRecord(TaskState state, String reason, Instant at) {
    }

    /** A finished attempt; {@code retryable} is false when another attempt could not do better. */
    record AttemptResult(AttemptRecord record, boolean retryable) {
    }

    /** A task's terminal state. */
    record TaskOutcome(TaskState state, Integer exitCode, String reason, List<String> outputKeys) {
    }

    record CancelRecord(String reason, Instant at) {
    }

    private final Path jobsDir;
    private final ObjectMapper json = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    JobStore(Path dataDir) {
        this.jobsDir = dataDir.resolve("jobs");
    }

    Path jobDir(String jobId) {
        return jobsDir.resolve(jobId);
    }

    Path taskDir(String jobId, String taskId) {
        return jobDir(jobId).resolve(taskId);
    }

    // ---- jobs

    boolean jobExists(String jobId) {
        return Files.isRegularFile(jobDir(jobId).resolve("job.json"));
    }

    void saveJob(ComputeJob job) throws IOException {
        write(jobDir(job.jobId()).resolve("job.json"), job);
    }

    ComputeJob loadJob(String jobId) throws IOException {
        return read(jobDir(jobId).resolve("job.json"), ComputeJob.class);
    }

    void saveCancel(String jobId, CancelRecord cancel) throws IOException {
        write(jobDir(jobId).resolve("cancel.json"), cancel);
    }

    CancelRecord loadCancel(String jobId) throws IOException {
        return readIfExists(jobDir(jobId).resolve("cancel.json"), CancelRecord.class);
    }

    void deleteJob(String jobId) throws IOException {
        Path dir = jobDir(jobId);
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    // ---- tasks

    void saveOutcome(String jobId, String taskId, TaskOutcome outcome) throws IOException {
        write(taskDir(jobId, taskId).resolve("task.json"), outcome);
    }

    TaskOutcome loadOutcome(String jobId, String taskId) throws IOException {
        return readIfExists(taskDir(jobId, taskId).resolve("task.json"), TaskOutcome.class);
    }

    /** The attempt directories of a task that exist on disk, oldest first. */
    List<AttemptDir> attempts(String jobId, String taskId) throws IOException {
        Path dir = taskDir(jobId, taskId);
        List<AttemptDir> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, AttemptDir.PREFIX + "*")) {
            for (Path p : ds) {
                try {
                    out.add(new AttemptDir(p, Integer.parseInt(p.getFileName().toString().substring(AttemptDir.PREFIX.length()))));
                } catch (NumberFormatException ignored) {
                    // not ours
                }
            }
        }
        out.sort(Comparator.comparingInt(AttemptDir::number));
        return out;
    }

    /**
     * Create the directory of a new attempt. Fails with {@link java.nio.file.FileAlreadyExistsException}
     * when it exists already, so two provider instances can never both start the same attempt.
     */
    AttemptDir createAttempt(String jobId, String taskId, int number) throws IOException {
        Path taskDir = taskDir(jobId, taskId);
        Files.createDirectories(taskDir);
        AttemptDir a = new AttemptDir(Files.createDirectory(taskDir.resolve(AttemptDir.name(number))), number);
        Files.createDirectories(a.wd());
        Files.createDirectories(a.tmp());
        return a;
    }

    // ---- attempts

    void saveLaunch(AttemptDir a, LaunchRecord launch) throws IOException {
        write(a.launch(), launch);
    }

    LaunchRecord loadLaunch(AttemptDir a) throws IOException {
        return readIfExists(a.launch(), LaunchRecord.class);
    }

    void saveKill(AttemptDir a, KillRecord kill) throws IOException {
        write(a.kill(), kill);
    }

    KillRecord loadKill(AttemptDir a) throws IOException {
        return readIfExists(a.kill(), KillRecord.class);
    }

    void saveResult(AttemptDir a, AttemptResult result) throws IOException {
        write(a.result(), result);
    }

    AttemptResult loadResult(AttemptDir a) throws IOException {
        return readIfExists(a.result(), AttemptResult.class);
    }

    /** The exit code the wrapper recorded; null while there is none. */
    static Integer readExitCode(AttemptDir a) {
        try {
            String s = Files.readString(a.exitCode(), StandardCharsets.UTF_8).trim();
            return Integer.parseInt(s);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException | NumberFormatException e) {
            return -1; // present but unreadable: the command did end, with no usable code
        }
    }

    // ---- plumbing

    private void write(Path target, Object value) throws IOException {
        Files.createDirectories(target.getParent());
        Path tmp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            Files.write(tmp, json.writeValueAsBytes(value));
            try {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private <T> T read(Path file, Class<T> type) throws IOException {
        return json.readValue(file.toFile(), type);
    }

    private <T> T readIfExists(Path file, Class<T> type) throws IOException {
        return Files.isRegularFile(file) ? read(file, type) : null;
    }
}
