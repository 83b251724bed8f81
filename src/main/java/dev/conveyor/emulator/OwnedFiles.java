package dev.conveyor.emulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Temporary folders and files a component made for itself (an emulator, {@code run}'s throw-away broker): removed when it stops. */
public final class OwnedFiles {
    private OwnedFiles() {
    }

    /** Deletes a folder (or a file) and everything under it; best effort, nothing thrown. */
    public static void deleteQuietly(Path path) {
        if (path == null) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException ignored) {
            // best effort: gone already, or a file still open elsewhere stays behind
        }
    }
}
