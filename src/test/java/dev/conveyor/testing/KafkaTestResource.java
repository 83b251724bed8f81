package dev.conveyor.testing;

import dev.conveyor.kafka.EmbeddedKafka;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A real Apache Kafka KRaft broker for @QuarkusTest classes (no Docker, no mocks), plus a fresh
 * data folder for the object store and local task directories.
 */
public class KafkaTestResource implements QuarkusTestResourceLifecycleManager {
    private EmbeddedKafka kafka;

    @Override
    public Map<String, String> start() {
        try {
            Path root = Files.createTempDirectory("conveyor-test-");
            kafka = EmbeddedKafka.start(root.resolve("kafka"), 0);
            return Map.of(
                    "kafka.bootstrap.servers", kafka.bootstrapServers(),
                    "conveyor.data-dir", root.resolve("data").toString(),
                    "conveyor.monitoring.poll-interval", "200ms",
                    "conveyor.local.kill-grace", "1s",
                    "conveyor.instance-id", "test-" + ProcessHandle.current().pid());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }
}
