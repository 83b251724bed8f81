package dev.conveyor.deploy;

import dev.conveyor.testing.KafkaTestResource;
import dev.conveyor.testing.KafkaTestResource.Broker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code -Dconveyor.test.kafka}: which broker the pipeline tests get, and that the Docker path never falls back. */
class TestcontainersSwitchTest {

    @Test
    void withoutTheSwitchTestsGetTheEmbeddedBroker() {
        assertThat(KafkaTestResource.broker(null)).isEqualTo(Broker.EMBEDDED);
        assertThat(KafkaTestResource.broker("embedded")).isEqualTo(Broker.EMBEDDED);
        assertThat(KafkaTestResource.broker("testcontainers")).isEqualTo(Broker.TESTCONTAINERS);
    }

    @Test
    void anUnknownChoiceIsRefusedWithTheChoices() {
        assertThatThrownBy(() -> KafkaTestResource.broker("docker"))
                .hasMessage("-Dconveyor.test.kafka=docker is not a broker choice: use embedded (the default) or testcontainers");
    }

    @Test
    void withoutADockerEngineTheTestcontainersBrokerFailsLoudly() {
        assumeFalse(DockerClientFactory.instance().isDockerAvailable(),
                "not run: a Docker engine is present, so the Testcontainers broker starts (see the next test)");

        assertThatThrownBy(() -> new KafkaTestResource().start(Broker.TESTCONTAINERS))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no Docker engine is reachable");
    }

    @Test
    void withADockerEngineTheTestcontainersBrokerAnswers() throws Exception {
        assumeTrue(DockerClientFactory.instance().isDockerAvailable(),
                "not run: no Docker engine on this machine, so no Testcontainers Kafka was started");
        KafkaTestResource resource = new KafkaTestResource();
        try {
            Map<String, String> config = resource.start(Broker.TESTCONTAINERS);
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    config.get("kafka.bootstrap.servers")))) {
                assertThat(admin.describeCluster().nodes().get(60, TimeUnit.SECONDS)).hasSize(1);
            }
        } finally {
            resource.stop();
        }
    }
}
