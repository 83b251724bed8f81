package dev.conveyor.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.config.ConveyorConfig;
import dev.conveyor.config.ProfileConfig;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code k8s/}: every overlay is rendered (see {@link Kustomize}), every object parses into its model,
 * and names, ports, topics, consumer groups, env keys and probe paths are cross-checked against the
 * application's own configuration and CLI. Nothing is applied to a cluster.
 */
class KubernetesManifestsTest {
    private static AppConfiguration app;
    private static Stages stages;
    private static ConveyorConfig.Topics topics;
    private static Map<String, RenderedOverlay> rendered;

    @BeforeAll
    static void renderAll() {
        app = AppConfiguration.load();
        stages = Stages.of(app);
        topics = app.mapping(ConveyorConfig.class).topics();
        rendered = RenderedOverlay.overlays().stream().map(RenderedOverlay::render)
                .collect(Collectors.toMap(RenderedOverlay::name, Function.identity()));
    }

    static Stream<String> overlays() {
        return RenderedOverlay.overlays().stream().map(p -> p.getFileName().toString());
    }

    private static Map<String, String> env(Container container) {
        Map<String, String> env = new LinkedHashMap<>();
        for (EnvVar var : container.getEnv()) {
            env.put(var.getName(), var.getValue());
        }
        return env;
    }

    private static Deployment deployment(RenderedOverlay overlay, String stage) {
        return (Deployment) overlay.parsed().stream()
                .filter(o -> o instanceof Deployment && o.getMetadata().getName().equals("conveyor-" + stage))
                .findFirst().orElseThrow(() -> new AssertionError(overlay + ": no Deployment conveyor-" + stage));
    }

    private static <T extends HasMetadata> List<T> typed(RenderedOverlay overlay, Class<T> type) {
        return overlay.parsed().stream().filter(type::isInstance).map(type::cast).toList();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyObjectIsInTheOverlaysNamespaceWhichTheOverlayCreates(String name) {
        RenderedOverlay overlay = rendered.get(name);
        List<ObjectNode> namespaces = overlay.ofKind("Namespace");
        assertThat(namespaces).hasSize(1);
        String namespace = RenderedOverlay.name(namespaces.get(0));

        assertThat(overlay.objects()).filteredOn(o -> !o.path("kind").asText().equals("Namespace"))
                .allSatisfy(o -> assertThat(o.path("metadata").path("namespace").asText()).as(Kustomize.id(o)).isEqualTo(namespace));
        assertThat(Kustomize.byId(overlay.objects())).hasSameSizeAs(overlay.objects());
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void oneDeploymentPerStageRunsServeForThatStageOnly(String name) {
        RenderedOverlay overlay = rendered.get(name);
        List<String> expected = new java.util.ArrayList<>(stages.names().stream().map(s -> "conveyor-" + s).toList());
        expected.add("conveyor-ui");
        assertThat(typed(overlay, Deployment.class)).extracting(d -> d.getMetadata().getName())
                .containsExactlyInAnyOrderElementsOf(expected);

        for (String stage : stages.names()) {
            Deployment deployment = deployment(overlay, stage);
            assertThat(deployment.getSpec().getReplicas()).as("replicas belong to KEDA").isNull();
            assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
                    .containsAllEntriesOf(deployment.getSpec().getSelector().getMatchLabels())
                    .containsEntry("app.kubernetes.io/component", stage);
            Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
            assertThat(deployment.getSpec().getTemplate().getSpec().getContainers()).hasSize(1);
            assertThat(env(container)).containsEntry("CONVEYOR_STAGES", stage)
                    .as("the web view is conveyor-ui's alone").containsEntry("CONVEYOR_UI_ENABLED", "false");
            assertThat(ConveyorCommands.parse(container.getArgs(), overlay + " conveyor-" + stage))
                    .containsExactly("conveyor", "serve");
            assertThat(container.getImage()).matches("conveyor:[\\w.-]+");
        }
    }

    /**
     * Every process with the web view reads the whole status topic: it runs in one pod that runs no
     * stage, reachable through a Service of its own, not in every stage pod.
     */
    @ParameterizedTest
    @MethodSource("overlays")
    void theWebViewRunsInOnePodOfItsOwnThatRunsNoStage(String name) {
        RenderedOverlay overlay = rendered.get(name);
        Deployment ui = deployment(overlay, "ui");
        Container container = ui.getSpec().getTemplate().getSpec().getContainers().get(0);

        assertThat(ui.getSpec().getReplicas()).isEqualTo(1);
        assertThat(env(container)).containsEntry("CONVEYOR_STAGES", Stages.none())
                .doesNotContainKey("CONVEYOR_UI_ENABLED"); // the application's default: on
        assertThat(app.value("conveyor.ui.enabled")).isEqualTo("true");
        assertThat(app.propertyForEnv("CONVEYOR_UI_ENABLED")).hasValue("conveyor.ui.enabled");
        assertThat(ConveyorCommands.parse(container.getArgs(), overlay + " conveyor-ui")).containsExactly("conveyor", "serve");
        assertThat(overlay.ofKind("ScaledObject")).noneSatisfy(s ->
                assertThat(s.path("spec").path("scaleTargetRef").path("name").asText()).isEqualTo("conveyor-ui"));

        Service service = typed(overlay, Service.class).stream().filter(s -> s.getMetadata().getName().equals("conveyor-ui"))
                .findFirst().orElseThrow(() -> new AssertionError(overlay + ": no Service conveyor-ui"));
        assertThat(service.getSpec().getSelector()).isEqualTo(ui.getSpec().getSelector().getMatchLabels());
        assertThat(service.getSpec().getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getTargetPort().getStrVal()).isEqualTo("http");
            assertThat(container.getPorts()).anySatisfy(port -> assertThat(port.getName()).isEqualTo("http"));
        });
        assertThat(typed(overlay, Deployment.class))
                .filteredOn(d -> d.getSpec().getTemplate().getMetadata().getLabels().entrySet()
                        .containsAll(service.getSpec().getSelector().entrySet()))
                .as("the pods behind the web view's Service").extracting(d -> d.getMetadata().getName())
                .containsExactly("conveyor-ui");
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyEnvironmentKeyIsAnApplicationSettingAndProfilesComeFromTheSecret(String name) {
        for (Deployment deployment : typed(rendered.get(name), Deployment.class)) {
            Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
            env(container).keySet().forEach(key -> assertThat(app.propertyForEnv(key))
                    .as("%s: %s sets %s, which is no configuration key of the application", name,
                            deployment.getMetadata().getName(), key).isPresent());
            assertThat(container.getEnvFrom()).singleElement().satisfies(from -> {
                assertThat(from.getSecretRef().getName()).isEqualTo("conveyor-profiles");
                assertThat(from.getSecretRef().getOptional()).isTrue();
            });
        }
    }

    @Test
    void theExampleProfilesSecretIsTheOneTheDeploymentsReadAndOnlyHoldsProfileSettings() {
        JsonNode example = YamlFiles.document(RenderedOverlay.K8S.resolve("examples").resolve("profiles-secret.yaml"));
        Secret secret = (Secret) KubernetesObjects.parse(example);

        assertThat(secret.getMetadata().getName()).isEqualTo("conveyor-profiles");
        assertThat(secret.getStringData()).isNotEmpty();
        secret.getStringData().keySet().forEach(key -> {
            assertThat(key).startsWith("CONVEYOR_PROFILES_");
            assertThat(app.propertyForEnv(key)).as(key).hasValueSatisfying(p -> assertThat(p).startsWith(AppConfiguration.PROFILES_PREFIX));
        });
        rendered.values().forEach(overlay -> assertThat(overlay.ofKind("Secret")).as("%s deploys no example Secret", overlay).isEmpty());

        // Read through SmallRye Config's environment source, as the service reads the Secret's variables.
        ProfileConfig nightly = app.mappingWithEnv(ConveyorConfig.class, secret.getStringData())
                .profiles().get("nightly");
        assertThat(nightly).as("profile 'nightly' from %s", secret.getStringData().keySet()).isNotNull();
        assertThat(nightly.azure().orElseThrow().batchAccountName()).hasValue("examplebatch");
        assertThat(nightly.azure().orElseThrow().batchAccountKey()).hasValue("not-a-real-key");
        assertThat(nightly.aws().orElseThrow().region()).isEqualTo("eu-west-1");
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void probesUseTheServedHealthPathsOnTheApplicationsHttpPort(String name) {
        String httpPort = app.value("quarkus.http.port");
        for (Deployment deployment : typed(rendered.get(name), Deployment.class)) {
            Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
            assertThat(env(container)).containsEntry("QUARKUS_HTTP_PORT", httpPort);
            Map<String, Integer> ports = container.getPorts().stream()
                    .collect(Collectors.toMap(ContainerPort::getName, ContainerPort::getContainerPort));
            assertThat(ports).containsEntry("http", Integer.parseInt(httpPort));

            Map<Probe, String> expected = new HashMap<>();
            expected.put(container.getStartupProbe(), Endpoints.STARTED);
            expected.put(container.getLivenessProbe(), Endpoints.LIVE);
            expected.put(container.getReadinessProbe(), Endpoints.READY);
            assertThat(container.getReadinessProbe().getTimeoutSeconds() * 1000L).as("readiness timeout")
                    .isGreaterThan(app.mapping(dev.conveyor.ops.HealthConfig.class).timeout().toMillis());
            expected.forEach((probe, path) -> {
                assertThat(probe).as("%s %s probe on %s", name, deployment.getMetadata().getName(), path).isNotNull();
                HTTPGetAction get = probe.getHttpGet();
                assertThat(get.getPath()).isEqualTo(path);
                assertThat(ports).containsKey(get.getPort().getStrVal());
            });
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void podsRunAsTheImagesUserWithReadOnlyRootAndLimits(String name) {
        String imageUser = DockerfileInstructions.parse(DockerImageTest.DOCKER.resolve("Dockerfile")).last("USER").orElseThrow()
                .arguments().split(":")[0];
        for (Deployment deployment : typed(rendered.get(name), Deployment.class)) {
            PodSpec pod = deployment.getSpec().getTemplate().getSpec();
            Container container = pod.getContainers().get(0);
            assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
            assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(Long.parseLong(imageUser));
            assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
            assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
            assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
            assertThat(container.getResources().getLimits()).containsKey("memory");

            // With a read-only root, everything the service writes must be a volume.
            List<String> mounts = container.getVolumeMounts().stream().map(VolumeMount::getMountPath).toList();
            assertThat(mounts).contains("/tmp", ConveyorCommands.optionValue(container.getArgs(), "--data-dir"),
                    env(container).get("CONVEYOR_STORAGE_FILE_ROOT"));
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyStageMountsTheOneSharedStore(String name) {
        RenderedOverlay overlay = rendered.get(name);
        for (Deployment deployment : typed(overlay, Deployment.class)) {
            PodSpec pod = deployment.getSpec().getTemplate().getSpec();
            Container container = pod.getContainers().get(0);
            String storeRoot = env(container).get("CONVEYOR_STORAGE_FILE_ROOT");
            String volume = container.getVolumeMounts().stream().filter(m -> m.getMountPath().equals(storeRoot))
                    .findFirst().orElseThrow().getName();
            String claim = pod.getVolumes().stream().filter(v -> v.getName().equals(volume)).findFirst().orElseThrow()
                    .getPersistentVolumeClaim().getClaimName();
            assertThat(claim).isEqualTo("conveyor-store");
        }
        JsonNode store = overlay.one("PersistentVolumeClaim", "conveyor-store");
        if (overlay.name().equals("prod")) {
            assertThat(store.path("spec").path("accessModes").toString()).as("pods of several nodes share it")
                    .contains("ReadWriteMany");
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyStageHasADisruptionBudgetForItsOwnPods(String name) {
        RenderedOverlay overlay = rendered.get(name);
        List<PodDisruptionBudget> budgets = typed(overlay, PodDisruptionBudget.class);
        assertThat(budgets).hasSize(stages.all().size());
        for (String stage : stages.names()) {
            Deployment deployment = deployment(overlay, stage);
            PodDisruptionBudget budget = budgets.stream().filter(b -> b.getMetadata().getName().equals("conveyor-" + stage))
                    .findFirst().orElseThrow();
            assertThat(budget.getSpec().getSelector().getMatchLabels())
                    .isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
            // maxUnavailable (not minAvailable): a drain may still move the last pod of a stage.
            assertThat(budget.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void kedaScalesEachStageOnItsOwnConsumerGroupUpToThePartitionCount(String name) {
        RenderedOverlay overlay = rendered.get(name);
        String offsetReset = app.value("mp.messaging.connector.smallrye-kafka.auto.offset.reset");
        assertThat(overlay.ofKind("ScaledObject")).hasSize(stages.all().size());
        for (Stages.Stage stage : stages.all()) {
            JsonNode scaled = overlay.one("ScaledObject", "conveyor-" + stage.name()).path("spec");
            Container container = deployment(overlay, stage.name()).getSpec().getTemplate().getSpec().getContainers().get(0);

            assertThat(scaled.path("scaleTargetRef").path("name").asText()).isEqualTo("conveyor-" + stage.name());
            assertThat(scaled.path("triggers")).singleElement().satisfies(trigger -> {
                assertThat(trigger.path("type").asText()).isEqualTo("kafka");
                JsonNode meta = trigger.path("metadata");
                assertThat(meta.path("consumerGroup").asText()).isEqualTo(stage.groupId());
                assertThat(meta.path("topic").asText()).isEqualTo(stage.topic());
                assertThat(meta.path("bootstrapServers").asText()).isEqualTo(env(container).get("KAFKA_BOOTSTRAP_SERVERS"));
                assertThat(meta.path("offsetResetPolicy").asText()).isEqualTo(offsetReset);
                assertThat(Integer.parseInt(meta.path("lagThreshold").asText())).isPositive();
            });
            int partitions = topicResource(overlay, stage.topic()).path("spec").path("partitions").asInt();
            assertThat(partitions).isEqualTo(partitions(overlay));
            assertThat(scaled.path("maxReplicaCount").asInt()).isEqualTo(partitions);
            assertThat(scaled.path("minReplicaCount").asInt()).isBetween(1, partitions);
        }
    }

    /** conveyor.topics.partitions as the stages see it: their env when they set it, else the app's default. */
    private static int partitions(RenderedOverlay overlay) {
        List<String> set = typed(overlay, Deployment.class).stream()
                .map(d -> env(d.getSpec().getTemplate().getSpec().getContainers().get(0)).get("CONVEYOR_TOPICS_PARTITIONS"))
                .distinct().toList();
        assertThat(set).as("%s: every stage sees the same partition count", overlay).hasSize(1);
        return set.get(0) == null ? topics.partitions() : Integer.parseInt(set.get(0));
    }

    private static JsonNode topicResource(RenderedOverlay overlay, String topic) {
        return overlay.ofKind("KafkaTopic").stream().filter(t -> t.path("spec").path("topicName").asText().equals(topic))
                .findFirst().orElseThrow(() -> new AssertionError(overlay + ": no KafkaTopic for " + topic));
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void strimziTopicsAreTheApplicationsTopicsWithItsPartitions(String name) {
        RenderedOverlay overlay = rendered.get(name);
        JsonNode kafka = overlay.ofKind("Kafka").get(0);
        int brokers = overlay.ofKind("KafkaNodePool").stream()
                .filter(p -> p.path("spec").path("roles").toString().contains("broker"))
                .mapToInt(p -> p.path("spec").path("replicas").asInt()).sum();
        List<ObjectNode> kafkaTopics = overlay.ofKind("KafkaTopic");

        assertThat(kafkaTopics).extracting(t -> t.path("spec").path("topicName").asText())
                .containsExactlyInAnyOrderElementsOf(topics.all());
        for (JsonNode topic : kafkaTopics) {
            JsonNode spec = topic.path("spec");
            String id = overlay + " " + RenderedOverlay.name(topic);
            assertThat(topic.path("metadata").path("labels").path("strimzi.io/cluster").asText()).as(id)
                    .isEqualTo(RenderedOverlay.name(kafka));
            assertThat(spec.path("partitions").asInt()).as(id).isEqualTo(partitions(overlay));
            assertThat(spec.path("replicas").asInt()).as(id).isBetween(1, brokers);
            assertThat(spec.path("config").path("min.insync.replicas").asInt()).as(id)
                    .isBetween(1, spec.path("replicas").asInt());
            // Several records share a job id as key: compaction would drop all but the last of them.
            assertThat(spec.path("config").path("cleanup.policy").asText()).as(id).isEqualTo("delete");
            assertThat(spec.path("config").path("retention.ms").asLong()).as(id).isPositive();
        }
        for (Deployment deployment : typed(overlay, Deployment.class)) {
            assertThat(env(deployment.getSpec().getTemplate().getSpec().getContainers().get(0)))
                    .as("the Topic Operator owns the topics").containsEntry("CONVEYOR_TOPICS_CREATE", "false");
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void stagesReachTheStrimziClustersPlainListenerThatIsAsDurableAsItsBrokersAllow(String name) {
        RenderedOverlay overlay = rendered.get(name);
        assertThat(overlay.ofKind("Kafka")).hasSize(1);
        JsonNode kafka = overlay.ofKind("Kafka").get(0);
        JsonNode listener = kafka.path("spec").path("kafka").path("listeners").get(0);
        String bootstrap = RenderedOverlay.name(kafka) + "-kafka-bootstrap:" + listener.path("port").asInt();
        int brokers = overlay.ofKind("KafkaNodePool").stream()
                .peek(p -> assertThat(p.path("metadata").path("labels").path("strimzi.io/cluster").asText())
                        .isEqualTo(RenderedOverlay.name(kafka)))
                .mapToInt(p -> p.path("spec").path("replicas").asInt()).sum();
        JsonNode config = kafka.path("spec").path("kafka").path("config");

        assertThat(listener.path("tls").asBoolean()).isFalse();
        assertThat(kafka.path("metadata").path("annotations").path("strimzi.io/kraft").asText()).isEqualTo("enabled");
        assertThat(kafka.path("spec").path("entityOperator").has("topicOperator")).as("KafkaTopics need the Topic Operator").isTrue();
        assertThat(config.path("transaction.state.log.replication.factor").asInt()).isBetween(1, brokers);
        assertThat(config.path("transaction.state.log.min.isr").asInt())
                .isBetween(1, config.path("transaction.state.log.replication.factor").asInt());
        assertThat(config.path("offsets.topic.replication.factor").asInt()).isBetween(1, brokers);
        for (Deployment deployment : typed(overlay, Deployment.class)) {
            assertThat(env(deployment.getSpec().getTemplate().getSpec().getContainers().get(0)))
                    .containsEntry("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void prometheusScrapesEveryStagePodsMetricsPath(String name) {
        RenderedOverlay overlay = rendered.get(name);
        Service service = typed(overlay, Service.class).stream().filter(s -> s.getMetadata().getName().equals("conveyor"))
                .findFirst().orElseThrow();
        JsonNode monitor = overlay.one("ServiceMonitor", "conveyor").path("spec");

        for (Deployment deployment : typed(overlay, Deployment.class)) {
            assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
                    .containsAllEntriesOf(service.getSpec().getSelector());
        }
        monitor.path("selector").path("matchLabels").properties().forEach(label ->
                assertThat(service.getMetadata().getLabels()).containsEntry(label.getKey(), label.getValue().asText()));
        assertThat(monitor.path("endpoints")).singleElement().satisfies(endpoint -> {
            assertThat(endpoint.path("path").asText()).isEqualTo(Endpoints.METRICS);
            assertThat(service.getSpec().getPorts()).anySatisfy(p -> {
                assertThat(p.getName()).isEqualTo(endpoint.path("port").asText());
                assertThat(p.getTargetPort().getStrVal()).isEqualTo("http");
            });
        });
        assertThat(monitor.path("podTargetLabels").toString()).contains("app.kubernetes.io/component");
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void theSmokeJobsProviderIsAcceptedByTheSubmissionStage(String name) {
        String provider = YamlFiles.document(Path.of("docker", "smoke-job.yaml")).path("runsOn").path("type").asText();
        Container container = deployment(rendered.get(name), "submission").getSpec().getTemplate().getSpec().getContainers().get(0);

        assertThat(env(container).getOrDefault("CONVEYOR_SUBMISSION_PROVIDERS", app.value("conveyor.submission.providers"))
                .split(",")).contains(provider);
    }

    @Test
    void overlaysDifferWhereTheySay() {
        RenderedOverlay dev = rendered.get("dev");
        RenderedOverlay prod = rendered.get("prod");

        assertThat(dev.one("KafkaNodePool", "dual-role").path("spec").path("replicas").asInt()).isEqualTo(1);
        assertThat(prod.one("KafkaNodePool", "dual-role").path("spec").path("replicas").asInt()).isEqualTo(3);
        assertThat(Kustomize.containers(dev.one("Deployment", "conveyor-dispatch")).get(0).path("image").asText())
                .isEqualTo("conveyor:dev");
        assertThat(Kustomize.containers(prod.one("Deployment", "conveyor-dispatch")).get(0).path("image").asText())
                .isEqualTo("conveyor:" + Pom.projectVersion().replace("-SNAPSHOT", ""));
        assertThat(prod.ofKind("ScaledObject")).allSatisfy(s -> assertThat(s.path("spec").path("minReplicaCount").asInt()).isEqualTo(2));
    }
}
