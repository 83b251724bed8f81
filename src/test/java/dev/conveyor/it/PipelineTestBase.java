package dev.conveyor.it;

import dev.conveyor.model.Json;
import dev.conveyor.model.result.JobResult;
import dev.conveyor.testing.JobProbe;
import dev.conveyor.testing.KafkaTestResource;
import io.quarkus.test.common.WithTestResource;
import org.eclipse.microprofile.config.ConfigProvider;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

/**
 * Base of the pipeline tests: the whole service (five stages, local provider, file store) against
 * a real broker; requests go in and results come out through Kafka only.
 */
@WithTestResource(KafkaTestResource.class)
abstract class PipelineTestBase {
    private static JobProbe probe;

    static synchronized JobProbe probe() {
        if (probe == null) {
            probe = new JobProbe(ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class));
        }
        return probe;
    }

    static String newId(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Publishes {@code request} (JSON or YAML) with key = id and waits for its one result. */
    static JobResult run(String id, String request) {
        probe().publish(id, request);
        return probe().awaitResult(id, Duration.ofSeconds(60));
    }

    static String example(String name) throws IOException {
        return Files.readString(Path.of("examples", name));
    }

    static String json(Object o) {
        return Json.write(o);
    }
}
