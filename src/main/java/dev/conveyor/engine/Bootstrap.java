package dev.conveyor.engine;

import dev.conveyor.compute.TaskFiles;
import dev.conveyor.storage.SignedUrl;

import java.nio.file.Path;

/**
 * The command a backend runs ({@code sh -c}) in a fresh working directory: fetch this attempt's
 * task wrapper from its scoped, expiring URL and run it. Short on purpose — it travels in the
 * backend's own job payload (AWS SubmitJob allows 30 KiB), while the wrapper lives in the store.
 */
public final class Bootstrap {
    private Bootstrap() {
    }

    public static String command(SignedUrl script) {
        String dest = TaskFiles.SCRIPT_PATH;
        String get;
        if ("file".equals(script.url().getScheme())) {
            get = "cp " + ShellQuote.q(Path.of(script.url()).toString()) + " " + dest;
        } else {
            String u = ShellQuote.q(script.url().toString());
            get = "{ if command -v curl >/dev/null 2>&1; then curl -fsSL --retry 5 --retry-delay 2 -o " + dest + " " + u
                    + "; else wget -q -O " + dest + " " + u + "; fi; }";
        }
        return "mkdir -p .conveyor && " + get + " || { echo 'conveyor: cannot fetch the task wrapper' >&2; exit 96; }; exec sh "
                + dest;
    }

    /** For backends that place {@link TaskFiles#SCRIPT_PATH} themselves (native file transfer). */
    public static String placed() {
        return "exec sh " + TaskFiles.SCRIPT_PATH;
    }
}
