package dev.conveyor.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** Expected failures end in one line and an exit code, never a stack trace. */
class FriendlyErrorsTest {
    /** Nothing listens on port 1. */
    private static final String NOWHERE = "127.0.0.1:1";
    /** The clients give up after 10 s; this leaves room for a slow machine, and fails long before 60 s. */
    private static final Duration PROMPTLY = Duration.ofSeconds(25);

    @TempDir
    Path dir;

    @Test
    void aMissingRequestFileIsOneLineAndExitCode2() {
        CliOutput result = CliOutput.run("submit", dir.resolve("missing.yaml").toString(), "--bootstrap-servers", NOWHERE);
        assertThat(result.code()).isEqualTo(2);
        assertThat(result.err()).isEqualTo("conveyor: no such file: " + dir.resolve("missing.yaml") + System.lineSeparator());
        assertThat(result.hasNoStackTrace()).isTrue();
    }

    @Test
    void aDirectoryGivenToRunIsOneLineAndExitCode2() {
        CliOutput result = CliOutput.run("run", dir.toString());
        assertThat(result.code()).isEqualTo(2);
        assertThat(result.err()).contains("is a directory, not a request file");
        assertThat(result.hasNoStackTrace()).isTrue();
    }

    @Test
    void submitToAnUnreachableBrokerSaysSoWithinSeconds() throws IOException {
        Path request = Files.writeString(dir.resolve("ok.yaml"), "tasks: [{id: t, command: 'true'}]\n");
        CliOutput result = assertTimeoutPreemptively(PROMPTLY,
                () -> CliOutput.run("submit", request.toString(), "--bootstrap-servers", NOWHERE));
        assertThat(result.code()).isEqualTo(ExitCodes.KAFKA_UNREACHABLE);
        assertThat(result.err()).startsWith("conveyor: cannot reach Kafka at 127.0.0.1:1");
        assertThat(result.hasNoStackTrace()).isTrue();
    }

    @Test
    void everyClientCommandReportsAnUnreachableBrokerTheSameWay() {
        for (String[] args : new String[][]{
                {"submit", "--wait", writeRequest(), "--bootstrap-servers", NOWHERE},
                {"cancel", "some-job", "--bootstrap-servers", NOWHERE},
                {"result", "some-job", "--bootstrap-servers", NOWHERE},
                {"watch", "some-job", "--bootstrap-servers", NOWHERE}}) {
            CliOutput result = assertTimeoutPreemptively(PROMPTLY, () -> CliOutput.run(args));
            assertThat(result.code()).as(args[0]).isEqualTo(ExitCodes.KAFKA_UNREACHABLE);
            assertThat(result.err()).as(args[0]).startsWith("conveyor: cannot reach Kafka at 127.0.0.1:1");
            assertThat(result.hasNoStackTrace()).as(args[0]).isTrue();
        }
    }

    private String writeRequest() {
        try {
            return Files.writeString(dir.resolve("w.yaml"), "tasks: [{id: t, command: 'true'}]\n").toString();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void anUndeclaredParamIsRefusedBeforeConnecting() throws IOException {
        Path request = Files.writeString(dir.resolve("p.yaml"), "params: {who: x}\ntasks: [{id: t, command: 'true'}]\n");
        CliOutput result = CliOutput.run("submit", request.toString(), "--param", "whp=y", "--bootstrap-servers", NOWHERE);
        assertThat(result.code()).isEqualTo(2);
        assertThat(result.err()).contains("--param whp: the request declares no param 'whp'; did you mean 'who'?");
    }
}
