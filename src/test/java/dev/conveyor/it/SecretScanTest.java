package dev.conveyor.it;

import dev.conveyor.model.JobState;
import dev.conveyor.model.result.JobResult;
import dev.conveyor.testing.JobProbe;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No secret value ever appears in a message, a status reason, a result, a log line or a file the
 * service writes: a run that uses secrets — a credential profile, an allow-listed {@code ${NAME}} in
 * a job that succeeds, one in a job whose dispatch fails on it, a name that is not allow-listed —
 * then a scan of every record on every topic (values and headers), every captured log record and
 * every file under the data dir.
 */
@QuarkusTest
@TestProfile(SecretScanTest.WithSecrets.class)
class SecretScanTest extends PipelineTestBase {
    static final String ENV_SECRET = "conveyor-test-secret-7Qx9vLm2Zr";
    static final String PROFILE_SECRET = "conveyor-profile-secret-Hk3Wq8Np";
    private static final List<String> LOG = new CopyOnWriteArrayList<>();
    private static final Handler CAPTURE = new Handler() {
        @Override
        public void publish(LogRecord r) {
            StringBuilder line = new StringBuilder(r.getLoggerName() + " " + r.getMessage());
            if (r.getParameters() != null) {
                for (Object p : r.getParameters()) {
                    line.append(' ').append(p);
                }
            }
            if (r.getThrown() != null) {
                StringWriter w = new StringWriter();
                r.getThrown().printStackTrace(new PrintWriter(w));
                line.append('\n').append(w);
            }
            LOG.add(line.toString());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    public static class WithSecrets implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("AZURE_BATCH_ACCOUNT_KEY", ENV_SECRET,
                    "conveyor.profiles.default.azure.batch-account-name", "conveyortest",
                    "conveyor.profiles.default.azure.batch-account-key", PROFILE_SECRET,
                    "quarkus.log.category.\"dev.conveyor\".level", "DEBUG");
        }
    }

    @BeforeAll
    static void captureLogs() {
        java.util.logging.Logger.getLogger("").addHandler(CAPTURE);
    }

    @AfterAll
    static void stopCapturing() {
        java.util.logging.Logger.getLogger("").removeHandler(CAPTURE);
    }

    @Test
    void secretsReachNoRecordNoLogLineAndNoFile() throws IOException {
        // PipelineTestBase's probe belongs to the default profile's broker: this profile has its own.
        try (JobProbe probe = new JobProbe(ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class))) {
            String used = newId("uses-secret");
            probe.publish(used, """
                    {"id": "%s", "runsOn": {"type": "local", "with": {"batch_account_key": "${AZURE_BATCH_ACCOUNT_KEY}"}},
                     "tasks": [{"id": "t", "command": "echo fine"}]}""".formatted(used));
            String failing = newId("fails-on-secret");
            probe.publish(failing, """
                    {"id": "%s", "runsOn": {"type": "noop", "with": {"duration": "${AZURE_BATCH_ACCOUNT_KEY}"}},
                     "tasks": [{"id": "t", "command": "true"}]}""".formatted(failing));
            String refused = newId("not-allowed");
            probe.publish(refused, """
                    {"id": "%s", "runsOn": {"type": "local", "with": {"key": "${HOME}"}},
                     "tasks": [{"id": "t", "command": "true"}]}""".formatted(refused));

            JobResult ok = probe.awaitResult(used, Duration.ofSeconds(60));
            JobResult failed = probe.awaitResult(failing, Duration.ofSeconds(60));
            JobResult rejected = probe.awaitResult(refused, Duration.ofSeconds(60));
            assertThat(ok.status()).isEqualTo(JobState.SUCCEEDED);
            assertThat(failed.status()).isEqualTo(JobState.FAILED);
            assertThat(failed.reason()).contains("runsOn.with.duration");
            assertThat(rejected.status()).isEqualTo(JobState.REJECTED);
            assertThat(rejected.problems()).extracting(p -> p.path()).contains("$.runsOn.with.key");

            List<String> secrets = List.of(ENV_SECRET, PROFILE_SECRET);
            List<JobProbe.Seen> records = Stream.of("conveyor.submitted", "conveyor.staged", "conveyor.dispatched",
                    "conveyor.completed", "conveyor.results", "conveyor.status", "conveyor.dlq", "conveyor.control")
                    .flatMap(topic -> probe.on(topic).stream()).toList();
            assertThat(records).isNotEmpty();
            for (JobProbe.Seen r : records) {
                for (String s : secrets) {
                    assertThat(r.value()).as("record on %s", r.topic()).doesNotContain(s);
                    assertThat(r.headers().toString()).as("headers on %s", r.topic()).doesNotContain(s);
                }
            }
            assertThat(LOG).as("captured log records").isNotEmpty();
            for (String line : LOG) {
                for (String s : secrets) {
                    assertThat(line).doesNotContain(s);
                }
            }
            Path data = Path.of(ConfigProvider.getConfig().getValue("conveyor.data-dir", String.class));
            try (Stream<Path> files = Files.walk(data)) {
                for (Path f : files.filter(Files::isRegularFile).filter(f -> !f.toString().contains("/kafka/")).toList()) {
                    String text = new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1);
                    for (String s : secrets) {
                        assertThat(text).as("file %s", f).doesNotContain(s);
                    }
                }
            }
        }
    }
}
