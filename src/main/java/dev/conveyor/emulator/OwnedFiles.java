package dev.conveyor.emulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Temporary folders and files an emulator made for itself: it removes them when it stops. */
public final class OwnedFiles {
    private OwnedFiles() {
    }

    /** Deletes a folder (or a file) and everything under it; best effort, nothing thrown. */
    public static void deleteQuietly(Path path) {
        if (path == null || !Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException ignored) {
            // best effort: a file still open elsewhere stays behind
        }
    }
}
