package dev.conveyor.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.config.ConveyorConfig;
import dev.conveyor.schemas.SchemaAssert;
import org.apache.kafka.common.utils.AppInfoParser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code docker/docker-compose.yml}, checked without a Docker engine (nothing here starts a container):
 * the topology (one container per stage), and every env key, port, topic, command and probe path it
 * uses against the application's configuration and CLI.
 */
class ComposeFileTest {
    private static final Path COMPOSE = Path.of("docker", "docker-compose.yml");
    private static final String CONVEYOR_IMAGE = "conveyor:dev";
    private static ObjectNode services;
    private static ObjectNode compose;
    private static AppConfiguration app;
    private static Stages stages;

    @BeforeAll
    static void load() {
        compose = YamlFiles.document(COMPOSE);
        services = (ObjectNode) compose.path("services");
        app = AppConfiguration.load();
        stages = Stages.of(app);
    }

    private static Map<String, JsonNode> conveyorServices() {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        services.properties().forEach(e -> {
            if (CONVEYOR_IMAGE.equals(e.getValue().path("image").asText())) {
                out.put(e.getKey(), e.getValue());
            }
        });
        return out;
    }

    /** Every container that runs {@code serve}: the stages' and the web view's. */
    private static Map<String, JsonNode> serving() {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        conveyorServices().forEach((name, service) -> {
            if (service.path("environment").has("CONVEYOR_STAGES")) {
                out.put(name, service);
            }
        });
        return out;
    }

    /** The containers that run stages (not the web view's, which runs none). */
    private static Map<String, JsonNode> stageServices() {
        Map<String, JsonNode> out = new LinkedHashMap<>(serving());
        out.values().removeIf(service -> service.path("environment").path("CONVEYOR_STAGES").asText().equals(Stages.none()));
        return out;
    }

    private static Map<String, String> env(JsonNode service) {
        Map<String, String> env = new LinkedHashMap<>();
        JsonNode environment = service.path("environment");
        assertThat(environment.isObject()).as("environment as a mapping in %s", service).isTrue();
        environment.properties().forEach(e -> env.put(e.getKey(), e.getValue().asText()));
        return env;
    }

    private static List<String> command(JsonNode service) {
        List<String> words = new ArrayList<>();
        service.path("command").forEach(w -> words.add(w.asText()));
        return words;
    }

    @Test
    void runsEachStageInAContainerOfItsOwnBesideKafkaTheStoresAndTheEmulators() {
        assertThat(services.has("kafka") && services.has("topics") && services.has("azurite") && services.has("s3proxy")
                && services.has("azure-batch") && services.has("aws-batch")).as("services %s", services.fieldNames()).isTrue();

        Map<String, JsonNode> stageServices = stageServices();
        assertThat(stageServices.keySet()).containsExactlyInAnyOrderElementsOf(
                stages.names().stream().map(s -> "conveyor-" + s).toList());
        stageServices.forEach((name, service) -> {
            assertThat(env(service).get("CONVEYOR_STAGES")).as(name).isEqualTo(name.substring("conveyor-".length()));
            assertThat(env(service)).as("%s: the web view is conveyor-ui's alone", name).containsEntry("CONVEYOR_UI_ENABLED", "false");
        });
        assertThat(services.path("azurite").path("image").asText()).startsWith("mcr.microsoft.com/azure-storage/azurite:");
        assertThat(services.path("s3proxy").path("image").asText()).startsWith("andrewgaul/s3proxy:");
    }

    /** Every process with the web view reads the whole status topic: one container serves it, and runs no stage. */
    @Test
    void theWebViewRunsInOneContainerOfItsOwnThatRunsNoStage() {
        Map<String, JsonNode> web = new LinkedHashMap<>(serving());
        web.keySet().removeAll(stageServices().keySet());
        assertThat(web).containsOnlyKeys("conveyor-ui");
        Map<String, String> env = env(web.get("conveyor-ui"));
        assertThat(env).containsEntry("CONVEYOR_STAGES", Stages.none()).containsEntry("CONVEYOR_UI_ENABLED", "true");
        assertThat(app.propertyForEnv("CONVEYOR_UI_ENABLED")).hasValue("conveyor.ui.enabled");
    }

    @Test
    void everyEnvironmentKeyOfAConveyorContainerIsAnApplicationSetting() {
        conveyorServices().forEach((name, service) -> {
            if (service.has("environment")) {
                env(service).keySet().forEach(key -> assertThat(app.propertyForEnv(key))
                        .as("%s sets %s, which is no configuration key of the application", name, key).isPresent());
            }
        });
    }

    @Test
    void stagesShareTheBrokerItsInternalListenerAdvertises() {
        String kafkaVersion = AppInfoParser.getVersion();
        assertThat(services.path("kafka").path("image").asText()).isEqualTo("apache/kafka:" + kafkaVersion);
        String advertised = services.path("kafka").path("environment").path("KAFKA_ADVERTISED_LISTENERS").asText();
        String interBroker = services.path("kafka").path("environment").path("KAFKA_INTER_BROKER_LISTENER_NAME").asText();

        serving().forEach((name, service) -> {
            String bootstrap = env(service).get("KAFKA_BOOTSTRAP_SERVERS");
            assertThat(advertised).as("%s uses %s", name, bootstrap).contains(interBroker + "://" + bootstrap);
            assertThat(bootstrap.split(":")[0]).isEqualTo("kafka");
            assertThat(service.path("depends_on").path("kafka").path("condition").asText()).isEqualTo("service_healthy");
        });
    }

    @Test
    void topicsAreMadeOnceWithTheApplicationsNamesAndPartitions() {
        ConveyorConfig.Topics topics = app.mapping(ConveyorConfig.class).topics();
        String script = services.path("topics").path("command").get(0).asText();

        Matcher list = Pattern.compile("for topic in ([^;]+);").matcher(script);
        assertThat(list.find()).as("topic loop in: %s", script).isTrue();
        assertThat(List.of(list.group(1).trim().split("\\s+"))).containsExactlyInAnyOrderElementsOf(topics.all());
        assertThat(script).contains("--partitions " + topics.partitions() + " ")
                .contains("--bootstrap-server kafka:9092 ").contains("--create --if-not-exists");
        assertThat(services.path("topics").path("image").asText()).isEqualTo(services.path("kafka").path("image").asText());

        serving().forEach((name, service) -> {
            assertThat(env(service)).as(name).containsEntry("CONVEYOR_TOPICS_CREATE", "false");
            assertThat(service.path("depends_on").path("topics").path("condition").asText())
                    .as(name).isEqualTo("service_completed_successfully");
        });
    }

    @Test
    void stagesServeWithOneSharedObjectStoreVolume() {
        Set<String> volumes = new HashSet<>();
        serving().forEach((name, service) -> {
            List<String> command = command(service);
            assertThat(ConveyorCommands.parse(command, COMPOSE + " " + name)).containsExactly("conveyor", "serve");
            String storeRoot = env(service).get("CONVEYOR_STORAGE_FILE_ROOT");
            assertThat(storeRoot).startsWith(ConveyorCommands.optionValue(command, "--data-dir") + "/");
            List<String> mounts = new ArrayList<>();
            service.path("volumes").forEach(v -> mounts.add(v.asText()));
            assertThat(mounts).as(name).anySatisfy(m -> assertThat(m).endsWith(":" + storeRoot));
            mounts.stream().filter(m -> m.endsWith(":" + storeRoot)).forEach(m -> volumes.add(m.split(":")[0]));
        });
        assertThat(volumes).hasSize(1);
        assertThat(compose.path("volumes").has(volumes.iterator().next())).isTrue();
    }

    @Test
    void healthChecksAndPublishedPortsUseTheHttpPortAndServedPaths() {
        Set<String> hostPorts = new HashSet<>();
        services.properties().forEach(e -> e.getValue().path("ports").forEach(p ->
                assertThat(hostPorts.add(p.asText().split(":")[0])).as("host port %s used twice", p.asText()).isTrue()));

        serving().forEach((name, service) -> {
            String port = env(service).get("QUARKUS_HTTP_PORT");
            assertThat(port).isEqualTo(app.value("quarkus.http.port"));
            assertThat(service.path("ports")).singleElement().satisfies(p -> assertThat(p.asText()).endsWith(":" + port));
            URI probe = URI.create(service.path("healthcheck").path("test").get(3).asText());
            assertThat(service.path("healthcheck").path("test").get(1).asText()).isEqualTo("curl");
            assertThat(probe.getPort()).isEqualTo(Integer.parseInt(port));
            assertThat(Endpoints.HEALTH).contains(probe.getPath());
        });
    }

    @Test
    void emulatorsListenOnAllInterfacesOnThePortTheyPublishAndCheck() {
        for (String name : List.of("azure-batch", "aws-batch")) {
            List<String> command = command(services.path(name));
            assertThat(command.subList(0, 2)).containsExactly("emulate", name);
            assumeTrue(ConveyorCommands.hasOption(command.subList(0, 2), "--host"),
                    "not checked: `conveyor " + String.join(" ", command.subList(0, 2)) + "` has no --host option yet, so "
                            + "in a container the emulator listens on 127.0.0.1 only; the compose file asks for --host 0.0.0.0");
            assertThat(ConveyorCommands.parse(command, COMPOSE + " " + name)).containsExactly("conveyor", "emulate", name);
            String port = ConveyorCommands.optionValue(command, "--port");
            assertThat(ConveyorCommands.optionValue(command, "--host")).isEqualTo("0.0.0.0");
            assertThat(services.path(name).path("ports")).singleElement()
                    .satisfies(p -> assertThat(p.asText()).isEqualTo(port + ":" + port));
            URI probe = URI.create(services.path(name).path("healthcheck").path("test").get(3).asText());
            assertThat(probe.getPort()).isEqualTo(Integer.parseInt(port));
            assertThat(probe.getPath()).isEqualTo(Endpoints.EMULATOR_STATS);
        }
    }

    @Test
    void theSmokeJobIsAValidRequestForTheProvidersTheStagesAccept() throws Exception {
        JsonNode job = YamlFiles.document(Path.of("docker", "smoke-job.yaml"));
        SchemaAssert.assertValid("job-request", YamlFiles.JSON.writeValueAsString(job));

        serving().forEach((name, service) -> assertThat(env(service)
                .getOrDefault("CONVEYOR_SUBMISSION_PROVIDERS", app.value("conveyor.submission.providers")).split(","))
                .as(name).contains(job.path("runsOn").path("type").asText()));
    }

    @Test
    void theDispatchWithMonitoringOverrideRunsEveryStageInExactlyOneStartedContainer() {
        ObjectNode override = YamlFiles.document(Path.of("docker", "dispatch-with-monitoring.yml"));
        List<String> started = new ArrayList<>();
        stageServices().forEach((name, service) -> {
            JsonNode changes = override.path("services").path(name);
            if (changes.has("profiles")) {
                return; // compose starts a service with profiles only when one of them is asked for
            }
            Map<String, String> env = env(service);
            changes.path("environment").properties().forEach(e -> env.put(e.getKey(), e.getValue().asText()));
            env.keySet().forEach(key -> assertThat(app.propertyForEnv(key)).as("%s sets %s", name, key).isPresent());
            started.addAll(List.of(env.get("CONVEYOR_STAGES").split(",")));
        });
        override.path("services").fieldNames().forEachRemaining(name -> assertThat(services.has(name)).as(name).isTrue());

        assertThat(started).containsExactlyInAnyOrderElementsOf(stages.names());
        assertThat(override.path("services").path("conveyor-dispatch").path("environment").path("CONVEYOR_STAGES").asText())
                .isEqualTo("dispatch,monitoring");
    }
}
