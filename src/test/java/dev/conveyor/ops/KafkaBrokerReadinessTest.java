package dev.conveyor.ops;

import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A broker that is down; the UP case is proven on the running service by HealthEndpointsTest. */
class KafkaBrokerReadinessTest {

    @Test
    void aBrokerThatIsNotThereIsDownWithinTheTimeout() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        KafkaBrokerReadiness broker = new KafkaBrokerReadiness(Map.of("bootstrap.servers", "127.0.0.1:" + port),
                Duration.ofMillis(800));
        try (ReadinessProbes probes = new ReadinessProbes("conveyor", List.of(broker), Duration.ofSeconds(5),
                Duration.ofSeconds(3), java.time.Clock.systemUTC())) {
            long start = System.nanoTime();
            var response = probes.report();

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
            assertThat(response.getData().orElseThrow().get("kafka-broker").toString()).startsWith("DOWN: ");
        } finally {
            broker.close();
        }
    }
}
