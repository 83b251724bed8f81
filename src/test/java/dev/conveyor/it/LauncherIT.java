package dev.conveyor.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code ./conveyor} launcher hands {@code -Dkey=value} arguments (anywhere before {@code --})
 * and {@code CONVEYOR_JAVA_OPTS} to the JVM: the help of {@code --data-dir} shows the value of
 * {@code conveyor.data-dir} it received.
 */
class LauncherIT {
    private static final Duration BOUND = Duration.ofMinutes(5); // the launcher builds first if the jar is stale

    @TempDir
    Path dir;

    private ProcessRun launcher(Map<String, String> env, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(Path.of("conveyor").toAbsolutePath().toString()));
        command.addAll(List.of(args));
        return ProcessRun.of(dir, env, BOUND, command);
    }

    @Test
    void aSystemPropertyBeforeTheCommandReachesTheApplication() throws Exception {
        ProcessRun result = launcher(Map.of(), "-Dconveyor.data-dir=/srv/before", "run", "--help");
        assertThat(result.code()).as(result.toString()).isZero();
        assertThat(result.out()).contains("(default: /srv/before)");
    }

    @Test
    void aSystemPropertyAfterTheCommandReachesTheApplicationWithItsSpaces() throws Exception {
        ProcessRun result = launcher(Map.of(), "serve", "-Dconveyor.data-dir=/srv/with space", "--help");
        assertThat(result.code()).as(result.toString()).isZero();
        assertThat(result.out()).contains("(default: /srv/with space)");
    }

    @Test
    void conveyorJavaOptsReachTheJvm() throws Exception {
        ProcessRun result = launcher(Map.of("CONVEYOR_JAVA_OPTS", "-Xmx256m -Dconveyor.data-dir=/srv/opts"), "run", "--help");
        assertThat(result.code()).as(result.toString()).isZero();
        assertThat(result.out()).contains("(default: /srv/opts)");
    }

    @Test
    void argumentsAfterADoubleDashAreLeftToTheCommand() throws Exception {
        // The id reaches `result` (which then finds no broker), instead of going to the JVM and
        // leaving `result` without its id (a usage error, exit 2).
        ProcessRun result = launcher(Map.of(), "result", "--bootstrap-servers", "127.0.0.1:1", "--", "-Dnot.a.property=1");
        assertThat(result.code()).as(result.toString()).isEqualTo(5);
        assertThat(result.err()).startsWith("conveyor: cannot reach Kafka at 127.0.0.1:1");
    }

    @Test
    void aServiceThatCannotStartSaysWhyInsteadOfExitingSilently() throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        // a misspelt key and a value out of range (which used to start a service that then failed in
        // its stages when the first record arrived): both named, nothing served
        ProcessRun result = launcher(Map.of(), "-Dconveyor.stagess=dispatch", "-Dconveyor.concurrency.records-in-flight=0",
                "-Dquarkus.http.port=0", "serve", "--kafka-port", Integer.toString(port), "--data-dir", dir.resolve("data").toString());
        assertThat(result.code()).as(result.toString()).isEqualTo(2);
        assertThat(result.err()).as(result.toString())
                .contains("conveyor: the service did not start: its configuration has 2 problem(s):")
                .contains("conveyor.stagess")
                .contains("  - conveyor.concurrency.records-in-flight must be greater than or equal to 1")
                .doesNotContain("WRITE_FAILURE") // the log records queued before logging was set up, dumped
                .doesNotContain("HV000001");
        assertThat(result.out()).as(result.toString()).doesNotContain("Conveyor is serving");
    }
}
