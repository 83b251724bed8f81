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

    /**
     * How the task side's {@code curl} rides out a store that is away for a while: 8 tries with exponential backoff
     * (1 s doubling, ~4 minutes in all; a Retry-After is honoured), timeouts, 408, 429 and 5xx retried, and — where
     * this curl knows the option (7.52 and later) — refused connections too, as while a store or its proxy restarts.
     * Sets {@code $r} for {@code curl -fsS $r …}; shell, for the wrapper and the bootstrap commands.
     */
    public static final String CURL_RETRY = "r='--retry 8 --connect-timeout 30'; "
            + "curl --retry-connrefused --version >/dev/null 2>&1 && r=\"$r --retry-connrefused\"; ";

    /**
     * A short command that fetches the script at {@code url} to {@code dest} and runs it with {@code sh}, exiting 96
     * with a line naming {@code what} when it cannot be fetched: what a backend without native file transfer
     * starts (the wrapper itself lives in the store).
     */
    public static String fetchThenRun(SignedUrl url, String dest, String what) {
        String get;
        if ("file".equals(url.url().getScheme())) {
            get = "cp " + ShellQuote.q(java.nio.file.Path.of(url.url()).toString()) + " " + dest;
        } else {
            String u = ShellQuote.q(url.url().toString());
            get = "{ if command -v curl >/dev/null 2>&1; then " + CURL_RETRY + "curl -fsSL $r -o " + dest + " " + u
                    + "; else wget -q -O " + dest + " " + u + "; fi; }";
        }
        return "mkdir -p .conveyor && " + get + " || { echo 'conveyor: cannot fetch the " + what + "' >&2; exit 96; }; exec sh "
                + dest;
    }

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
