package dev.conveyor.deploy;

import dev.conveyor.config.ConveyorConfig;
import dev.conveyor.ops.HealthConfig;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The key check the deployment tests rely on: env names map to the application's real keys, and only those. */
class AppConfigurationTest {
    private final AppConfiguration app = AppConfiguration.load();

    @Test
    void findsEveryConfigMappingOfTheApplication() {
        assertThat(app.mappings()).contains(ConveyorConfig.class, HealthConfig.class);
    }

    @Test
    void mapsEnvironmentNamesAsMicroProfileConfigDoes() {
        assertThat(app.propertyForEnv("CONVEYOR_TOPICS_REQUESTS")).hasValue("conveyor.topics.requests");
        assertThat(app.propertyForEnv("CONVEYOR_STORAGE_FILE_ROOT")).hasValue("conveyor.storage.file-root");
        assertThat(app.propertyForEnv("KAFKA_BOOTSTRAP_SERVERS")).hasValue("kafka.bootstrap.servers");
        assertThat(app.propertyForEnv("QUARKUS_HTTP_PORT")).hasValue("quarkus.http.port");
        assertThat(app.propertyForEnv("CONVEYOR_HEALTH_CACHE_TTL")).hasValue("conveyor.health.cache-ttl");
    }

    @Test
    void refusesNamesThatSetNothing() {
        assertThat(app.propertyForEnv("CONVEYOR_TOPIC_REQUESTS")).isEmpty();
        assertThat(app.propertyForEnv("CONVEYOR_STAGE")).isEmpty();
        assertThat(app.propertyForEnv("KAFKA_BOOTSTRAP_SERVER")).isEmpty();
        assertThat(app.propertyForEnv("CONVEYOR_PROFILES_")).isEmpty();
    }

    @Test
    void profileVariablesAreCheckedAgainstTheProfilesMapping() {
        assertThat(app.propertyForEnv("CONVEYOR_PROFILES_NIGHTLY_AZURE_BATCH_ACCOUNT_KEY")).isPresent();
        assertThat(app.propertyForEnv("CONVEYOR_PROFILES_TEAM_A_AWS_REGION")).isPresent();
        assertThat(app.propertyForEnv("CONVEYOR_PROFILES_NIGHTLY_ACCOUNT_KEY")).isEmpty();
        assertThat(app.propertyForEnv("CONVEYOR_PROFILES_NIGHTLY_AZURE_BATCH_KEY")).isEmpty();
    }

    @Test
    void resolvesValuesAsTheApplicationWouldWithNothingOverridden() {
        assertThat(app.value("mp.messaging.incoming.requests.topic")).isEqualTo("conveyor.requests");
        assertThat(app.value("mp.messaging.incoming.requests.group.id")).isEqualTo("conveyor-submission");
        assertThat(app.mapping(ConveyorConfig.class).topics().partitions()).isEqualTo(6);
    }
}
