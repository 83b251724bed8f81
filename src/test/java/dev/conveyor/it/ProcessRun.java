package dev.conveyor.it;

import dev.conveyor.testing.ServiceProcess;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One run of a command in its own process, bounded: a process still running after {@code bound}
 * is killed and the test fails, so a command that hangs cannot hang the build.
 */
record ProcessRun(int code, String out, String err) {

    static ProcessRun of(Path workDir, Map<String, String> env, Duration bound, List<String> command)
            throws IOException, InterruptedException {
        Path out = Files.createTempFile(workDir, "out-", ".txt");
        Path err = Files.createTempFile(workDir, "err-", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(bound.toSeconds(), TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not end within " + bound + "; it printed:\n"
                    + Files.readString(out, StandardCharsets.UTF_8) + Files.readString(err, StandardCharsets.UTF_8));
        }
        return new ProcessRun(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    /** The packaged application ({@code java -jar quarkus-run.jar ARGS}). */
    static List<String> conveyorJar(String... args) throws IOException {
        List<String> command = ServiceProcess.appJar(List.of());
        command.addAll(List.of(args));
        return command;
    }

    @Override
    public String toString() {
        return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
}
