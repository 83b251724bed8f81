package dev.conveyor.compute.local;

import dev.conveyor.compute.StagedInput;
import dev.conveyor.storage.ObjectStore;
import dev.conveyor.storage.StoredObject;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/** Copies a task's inputs from the object store into its working directory. */
final class InputStager {
    private final ObjectStore store;

    InputStager(ObjectStore store) {
        this.store = store;
    }

    void stage(List<StagedInput> inputs, Path wd) throws StagingException {
        if (inputs == null) {
            return;
        }
        for (StagedInput in : inputs) {
            String path = in.path() == null ? "" : in.path();
            try {
                if (in.prefix()) {
                    List<StoredObject> objects = store.listAll(in.key());
                    for (StoredObject o : objects) {
                        copy(o.key(), target(wd, path + o.key().substring(in.key().length())));
                    }
                } else {
                    copy(in.key(), target(wd, path));
                }
            } catch (IOException e) {
                throw new StagingException("input staging failed for '" + in.key() + "': " + e, true, e);
            }
        }
    }

    /** Resolve {@code relative} inside {@code wd}, refusing anything that would land outside it. */
    static Path target(Path wd, String relative) throws StagingException {
        Path root = wd.toAbsolutePath().normalize();
        Path target;
        try {
            Path rel = Path.of(relative);
            if (rel.isAbsolute()) {
                throw escape(relative);
            }
            target = root.resolve(rel).normalize();
        } catch (InvalidPathException e) {
            throw new StagingException("input path '" + relative + "' is not a valid path", false, e);
        }
        if (!target.startsWith(root) || target.equals(root)) {
            throw escape(relative);
        }
        return target;
    }

    private static StagingException escape(String relative) {
        return new StagingException("input path '" + relative + "' escapes the working directory", false, null);
    }

    /** The working directory is fresh and only we write to it before start, so no symlink can redirect this. */
    private void copy(String key, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        try (InputStream data = store.get(key)) {
            Files.copy(data, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
