package dev.conveyor.compute.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Starts an attempt's process: {@code setsid [unshare --pid …] sh -c OUTER <attemptDir> <command>}.
 * The attempt leads its own process group (and, where the machine allows, its own PID and mount
 * namespace: it cannot see the service's processes — nor read their environment through
 * {@code /proc} — and whatever it leaves running ends with it). The outer script records the exit
 * code atomically, so the outcome survives the death of this JVM. The process gets a clean
 * environment: nothing of the service's own environment leaks in.
 */
final class ProcessLauncher {
    static final String OUTER = """
            dir="$1"
            code=127
            if cd "$dir/run"; then
              sh -c "$2" > "$dir/process.log" 2>&1 < /dev/null
              code=$?
            fi
            printf '%s\\n' "$code" > "$dir/exitcode.tmp" && mv -f "$dir/exitcode.tmp" "$dir/exitcode"
            """;
    private static final String DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";
    private static final List<String> NAMESPACE = List.of("unshare", "--pid", "--fork", "--mount", "--mount-proc",
            "--kill-child");

    private final boolean namespaces;

    ProcessLauncher(LocalOptions.Isolation isolation) {
        boolean available = isolation != LocalOptions.Isolation.PROCESS_GROUP && namespacesWork();
        if (isolation == LocalOptions.Isolation.PID_NAMESPACE && !available) {
            throw new IllegalStateException("conveyor.local.isolation=pid-namespace, but this machine does not allow "
                    + "`unshare --pid --fork --mount --mount-proc` for this user");
        }
        this.namespaces = available;
    }

    boolean namespaces() {
        return namespaces;
    }

    /** Whether {@code unshare} can give a child its own PID and mount namespace here. */
    static boolean namespacesWork() {
        List<String> cmd = new ArrayList<>(NAMESPACE);
        cmd.add("true");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    AttemptFiles.Launch launch(AttemptDir a, String command, Runnable onExit) throws IOException {
        Files.createDirectories(a.run());
        Files.createDirectories(a.tmp());
        List<String> cmd = new ArrayList<>();
        cmd.add("setsid");
        if (namespaces) {
            cmd.addAll(NAMESPACE);
        }
        cmd.addAll(List.of("sh", "-c", OUTER, "conveyor-task", a.dir().toString(), command == null ? "" : command));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(a.dir().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.clear();
        env.putAll(environment(a, System.getenv(), namespaces));
        Instant startedAt = Instant.now();
        Process p = pb.start();
        p.onExit().thenRun(onExit);
        return new AttemptFiles.Launch(p.pid(), ProcessGroups.startInstant(p.toHandle()), startedAt);
    }

    /** The whole environment of a task process, built from scratch. */
    static Map<String, String> environment(AttemptDir a, Map<String, String> serviceEnv, boolean privatePids) {
        Map<String, String> env = new TreeMap<>();
        env.put("PATH", serviceEnv.getOrDefault("PATH", DEFAULT_PATH));
        env.put("HOME", a.run().toString());
        env.put("TMPDIR", a.tmp().toString());
        for (String name : new String[] {"LANG", "LC_ALL"}) {
            if (serviceEnv.get(name) != null) {
                env.put(name, serviceEnv.get(name));
            }
        }
        if (privatePids) {
            env.put("CONVEYOR_PRIVATE_PIDS", "1"); // the wrapper may end every leftover process of the task
        }
        return env;
    }
}
