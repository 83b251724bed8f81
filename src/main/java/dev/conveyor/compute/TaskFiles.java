package dev.conveyor.compute;

import dev.conveyor.storage.PrefixGrant;
import dev.conveyor.storage.SignedUrl;

import java.util.List;

/**
 * An attempt's files in the object store. Backends that fetch through the wrapper only need
 * {@link TaskLaunch#command()}; backends with native file transfer (Azure Batch) place
 * {@code script} and {@code inputs} themselves and collect {@link #RETURN_DIR} to {@code returnGrant}.
 *
 * @param script       the generated wrapper for this attempt (placed at {@link #SCRIPT_PATH})
 * @param inputs       single objects to place at a path relative to the working directory
 * @param inputPrefixes every object under a prefix, placed below a path (upstream outputs)
 * @param returnPrefix where this attempt's logs, exit code, values and outputs go in the store
 * @param returnGrant  write access to {@code returnPrefix}, when the store can scope one
 */
public record TaskFiles(SignedUrl script, List<InputFile> inputs, List<InputPrefix> inputPrefixes,
                        String returnPrefix, PrefixGrant returnGrant) {
    /** Where the wrapper script lies, relative to the task's working directory. */
    public static final String SCRIPT_PATH = ".conveyor/task.sh";
    /** What the wrapper leaves for native upload, relative to the working directory. */
    public static final String RETURN_DIR = ".conveyor/return";

    public TaskFiles {
        inputs = inputs == null ? List.of() : List.copyOf(inputs);
        inputPrefixes = inputPrefixes == null ? List.of() : List.copyOf(inputPrefixes);
    }

    /** One object placed at {@code path} (relative to the task's work folder). */
    public record InputFile(String path, String key, SignedUrl url) {
    }

    /** Every object under {@code prefix} placed below {@code path}; {@code grant} when the store offers one. */
    public record InputPrefix(String path, String prefix, PrefixGrant grant) {
    }
}
