package dev.conveyor.compute.local;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.conveyor.model.TaskState;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.UUID;

/** Reads and writes an attempt's small files; every write is a temporary file moved into place. */
final class AttemptFiles {
    /** What to run: written at submit, read by whichever instance starts it. */
    record Request(String jobId, String taskId, int attempt, String command, long timeoutSeconds, Instant submittedAt) {
    }

    /** How the process was started. */
    record Launch(long pid, Instant processStart, Instant startedAt) {
    }

    /** Why the process tree is being stopped: TIMED_OUT or CANCELLED. */
    record Kill(TaskState state, String reason, Instant at) {
    }

    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private AttemptFiles() {
    }

    static void write(Path target, Object value) throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            Files.write(tmp, JSON.writeValueAsBytes(value));
            try {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    static <T> T read(Path file, Class<T> type) throws IOException {
        try {
            return JSON.readValue(file.toFile(), type);
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            return null;
        }
    }

    /** The exit code the outer wrapper recorded; null while there is none, -1 if unreadable. */
    static Integer exitCode(AttemptDir a) {
        try {
            return Integer.parseInt(Files.readString(a.exitCode(), StandardCharsets.UTF_8).trim());
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }
}
