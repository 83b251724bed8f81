package dev.conveyor.compute.local;

import dev.conveyor.compute.ComputeTask;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/**
 * Starts the process of an attempt: {@code setsid sh wrapper.sh <attemptDir> <command>}, so the
 * task leads its own process group and can be killed as a whole. The wrapper writes stdout/stderr
 * to files and records the exit code atomically, so the outcome survives the death of this JVM.
 * The process gets a clean environment: nothing of the service's own environment leaks in.
 */
final class ProcessLauncher {
    static final String WRAPPER = """
            #!/bin/sh
            # Conveyor local task wrapper. $1 = attempt directory, $2 = the command.
            dir="$1"
            printf '%s\\n' "$$" >"$dir/pid.tmp" && mv -f "$dir/pid.tmp" "$dir/pid"
            code=127
            if cd "$dir/wd"; then
              sh -c "$2" >"$dir/stdout.txt" 2>"$dir/stderr.txt" </dev/null
              code=$?
            fi
            printf '%s\\n' "$code" >"$dir/exitcode.tmp" && mv -f "$dir/exitcode.tmp" "$dir/exitcode"
            """;
    private static final String DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";

    /** A started process and what was recorded about it. */
    record Launched(Process process, JobStore.LaunchRecord record) {
    }

    /** @param upstream variables carrying the values of the tasks this one needs */
    Launched launch(String jobId, ComputeTask task, AttemptDir a, Map<String, String> upstream) throws IOException {
        Files.writeString(a.wrapper(), WRAPPER, StandardCharsets.UTF_8);
        Files.createFile(a.outputsEnv());
        ProcessBuilder pb = new ProcessBuilder("setsid", "sh", a.wrapper().toString(), a.dir().toString(),
                task.command() == null ? "" : task.command())
                .directory(a.wd().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(a.wrapperLog().toFile()))
                .redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.clear();
        env.putAll(environment(jobId, task, a, System.getenv()));
        env.putAll(upstream);
        Instant startedAt = Instant.now();
        Process p = pb.start();
        Instant processStart = ProcessGroups.startInstant(p.toHandle());
        return new Launched(p, new JobStore.LaunchRecord(p.pid(), processStart, startedAt));
    }

    /** The whole environment of a task process, built from scratch. */
    static Map<String, String> environment(String jobId, ComputeTask task, AttemptDir a, Map<String, String> serviceEnv) {
        Map<String, String> env = new java.util.TreeMap<>();
        env.put("PATH", serviceEnv.getOrDefault("PATH", DEFAULT_PATH));
        env.put("HOME", a.wd().toString());
        for (String name : new String[] {"LANG", "LC_ALL"}) {
            if (serviceEnv.get(name) != null) {
                env.put(name, serviceEnv.get(name));
            }
        }
        env.put("TMPDIR", a.tmp().toString());
        if (task.env() != null) {
            task.env().forEach((k, v) -> {
                if (k != null && v != null) {
                    env.put(k, v);
                }
            });
        }
        env.put("CONVEYOR_JOB_ID", jobId);
        env.put("CONVEYOR_TASK_ID", task.id());
        env.put("CONVEYOR_ATTEMPT", Integer.toString(a.number()));
        env.put("CONVEYOR_WORKDIR", a.wd().toString());
        env.put("CONVEYOR_OUTPUTS", a.outputsEnv().toString());
        return env;
    }
}
