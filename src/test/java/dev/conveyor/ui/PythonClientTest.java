package dev.conveyor.ui;

import dev.conveyor.testing.TestDirs;
import dev.conveyor.testing.JobProbe;
import dev.conveyor.testing.KafkaTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Python client ({@code clients/python}) against the whole service and a real broker: runs its
 * unittest suite with the broker's address. Needs a {@code python3} that imports
 * {@code confluent_kafka} (Debian: python3-confluent-kafka); without one the test reports itself as
 * not run. Every record the client produced (its cancels) is checked against the schemas.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
class PythonClientTest {
    private static final Path CLIENT = Path.of("clients/python");

    @Test
    void thePythonClientSuitePassesAgainstTheService() throws Exception {
        String python = python().orElse(null);
        String notRun = "NOT RUN: no python3 that can import confluent_kafka "
                + "(Debian: apt-get install -y python3-confluent-kafka; .ci/run does)";
        if (python == null) {
            System.err.println(notRun);
        }
        Assumptions.assumeTrue(python != null, notRun);
        String bootstrap = ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
        try (JobProbe probe = new JobProbe(bootstrap)) {
            ProcessBuilder pb = new ProcessBuilder(python, "-m", "unittest", "discover", "-s", "tests", "-v")
                    .directory(CLIENT.toFile()).redirectErrorStream(true);
            pb.environment().put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
            pb.environment().put("PYTHONPATH", CLIENT.toAbsolutePath().toString());
            pb.environment().put("CONVEYOR_EXAMPLES", Path.of("examples").toAbsolutePath().toString());
            pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
            Path log = TestDirs.file("conveyor-python-", ".log");
            pb.redirectOutput(log.toFile());
            Process p = pb.start();
            boolean ended = p.waitFor(150, TimeUnit.SECONDS);
            if (!ended) {
                p.destroyForcibly();
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            System.out.println("---- python client tests (" + python + ") ----\n" + output);
            assertThat(ended).as("the Python suite ended within 150 s:\n%s", output).isTrue();
            assertThat(p.exitValue()).as("the Python suite's exit code:\n%s", output).isZero();
            assertThat(output).contains("Ran 6 tests").containsPattern("(?m)^OK$");
            probe.assertAllValid();
            assertThat(probe.on("conveyor.control")).anySatisfy(r ->
                    assertThat(r.headers()).containsEntry("ce_source", "conveyor/python"));
        }
    }

    /** python3 on the PATH, else Debian's, whichever imports confluent_kafka. */
    static Optional<String> python() {
        for (String candidate : List.of("python3", "/usr/bin/python3")) {
            try {
                Process p = new ProcessBuilder(candidate, "-c", "import confluent_kafka").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return Optional.of(candidate);
                }
            } catch (IOException e) {
                // not there: try the next
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
        return Optional.empty();
    }
}
