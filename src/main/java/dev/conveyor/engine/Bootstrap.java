package dev.conveyor.engine;

import dev.conveyor.compute.TaskFiles;
import dev.conveyor.storage.SignedUrl;

/**
 * The command a backend runs ({@code sh -c}) in a fresh working directory: fetch this attempt's
 * task wrapper from its scoped, expiring URL and run it. Short on purpose — it travels in the
 * backend's own job payload (AWS SubmitJob allows 30 KiB), while the wrapper lives in the store.
 */
public final class Bootstrap {
    private Bootstrap() {
    }

    public static String command(SignedUrl script) {
        return TaskFiles.fetchThenRun(script, TaskFiles.SCRIPT_PATH, "task wrapper");
    }

    /** For backends that place {@link TaskFiles#SCRIPT_PATH} themselves (native file transfer). */
    public static String placed() {
        return "exec sh " + TaskFiles.SCRIPT_PATH;
    }
}
