package dev.conveyor.testing;

import dev.conveyor.kafka.EmbeddedKafka;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import org.apache.kafka.common.utils.AppInfoParser;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * A real Apache Kafka KRaft broker for @QuarkusTest classes (no mocks), plus a fresh data folder for
 * the object store and local task directories.
 * <p>
 * By default the broker is embedded in the test JVM (no Docker). {@code -Dconveyor.test.kafka=testcontainers}
 * runs the same tests against the {@code apache/kafka} image (the client's version) through
 * Testcontainers instead; without a Docker engine that start fails, and with it every test that needs
 * the broker: the switch never falls back to the embedded broker, and never skips.
 */
public class KafkaTestResource implements QuarkusTestResourceLifecycleManager {
    public static final String SWITCH = "conveyor.test.kafka";

    public enum Broker { EMBEDDED, TESTCONTAINERS }

    private EmbeddedKafka embedded;
    private KafkaContainer container;

    /** The broker the switch asks for: unset or {@code embedded}, or {@code testcontainers}. */
    public static Broker broker(String value) {
        if (value == null || value.isBlank()) {
            return Broker.EMBEDDED;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "embedded" -> Broker.EMBEDDED;
            case "testcontainers" -> Broker.TESTCONTAINERS;
            default -> throw new IllegalArgumentException("-D" + SWITCH + "=" + value
                    + " is not a broker choice: use embedded (the default) or testcontainers");
        };
    }

    @Override
    public Map<String, String> start() {
        return start(broker(System.getProperty(SWITCH)));
    }

    public Map<String, String> start(Broker broker) {
        try {
            Path root = TestDirs.create("conveyor-test-");
            String bootstrap = broker == Broker.TESTCONTAINERS ? startContainer() : startEmbedded(root);
            return Map.of(
                    "kafka.bootstrap.servers", bootstrap,
                    "conveyor.data-dir", root.resolve("data").toString(),
                    "conveyor.monitoring.poll-interval", "200ms",
                    "conveyor.local.kill-grace", "1s",
                    "conveyor.instance-id", "test-" + ProcessHandle.current().pid());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private String startEmbedded(Path root) {
        embedded = EmbeddedKafka.start(root.resolve("kafka"), 0);
        return embedded.bootstrapServers();
    }

    private String startContainer() {
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            throw new IllegalStateException("-D" + SWITCH + "=testcontainers asks for a Testcontainers Kafka, but no Docker "
                    + "engine is reachable from this machine; start one, or leave the switch out to use the embedded broker");
        }
        container = new KafkaContainer(DockerImageName.parse("apache/kafka:" + AppInfoParser.getVersion()));
        container.start();
        return container.getBootstrapServers();
    }

    @Override
    public void stop() {
        if (embedded != null) {
            embedded.close();
        }
        if (container != null) {
            container.stop();
        }
    }
}
