package dev.conveyor.deploy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The small kustomize renderer: what it renders, and that it refuses what it does not render like kustomize. */
class KustomizeTest {
    private static final String HEADER = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n";
    private static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: conveyor-dispatch}
            spec:
              template:
                spec:
                  containers: [{name: conveyor, image: conveyor}]
            ---
            apiVersion: v1
            kind: Namespace
            metadata: {name: anything}
            """;

    @TempDir
    Path dir;

    private Path write(String relative, String text) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text);
    }

    @Test
    void overlayPatchesNamespacesLabelsAndRetagsTheBase() throws IOException {
        write("base/kustomization.yaml", HEADER + "resources: [app.yaml]\n");
        write("base/app.yaml", DEPLOYMENT);
        write("dev/kustomization.yaml", HEADER + """
                resources: [../base]
                namespace: conveyor-dev
                labels: [{pairs: {env: dev}}]
                images: [{name: conveyor, newTag: dev}]
                patches:
                  - target: {kind: Deployment, name: conveyor-.*}
                    patch: |
                      - {op: add, path: /spec/replicas, value: 2}
                """);

        List<ObjectNode> objects = Kustomize.render(dir.resolve("dev"));

        ObjectNode deployment = objects.get(0);
        assertThat(deployment.path("spec").path("replicas").asInt()).isEqualTo(2);
        assertThat(deployment.path("metadata").path("namespace").asText()).isEqualTo("conveyor-dev");
        assertThat(deployment.path("metadata").path("labels").path("env").asText()).isEqualTo("dev");
        assertThat(Kustomize.containers(deployment).get(0).path("image").asText()).isEqualTo("conveyor:dev");
        assertThat(objects.get(1).path("metadata").path("name").asText()).as("kustomize renames the Namespace").isEqualTo("conveyor-dev");
        assertThat(objects.get(1).path("metadata").has("namespace")).isFalse();
    }

    @Test
    void refusesAKustomizationFieldItDoesNotRender() throws IOException {
        write("k/kustomization.yaml", HEADER + "resources: []\nnamePrefix: x-\n");

        assertThatThrownBy(() -> Kustomize.render(dir.resolve("k")))
                .hasMessageContaining("'namePrefix' is not supported by this renderer");
    }

    @Test
    void refusesStrategicMergePatches() throws IOException {
        write("k/app.yaml", DEPLOYMENT);
        write("k/kustomization.yaml", HEADER + """
                resources: [app.yaml]
                patches:
                  - target: {kind: Deployment}
                    patch: |
                      spec: {replicas: 2}
                """);

        assertThatThrownBy(() -> Kustomize.render(dir.resolve("k"))).hasMessageContaining("only JSON 6902 patches");
    }

    @Test
    void refusesAPatchThatMatchesNothing() throws IOException {
        write("k/app.yaml", DEPLOYMENT);
        write("k/kustomization.yaml", HEADER + """
                resources: [app.yaml]
                patches:
                  - target: {kind: StatefulSet}
                    patch: |
                      - {op: add, path: /spec/replicas, value: 2}
                """);

        assertThatThrownBy(() -> Kustomize.render(dir.resolve("k"))).hasMessageContaining("matches no resource");
    }

    @Test
    void refusesLabelsOnSelectors() throws IOException {
        write("k/app.yaml", DEPLOYMENT);
        write("k/kustomization.yaml", HEADER + "resources: [app.yaml]\nlabels: [{pairs: {a: b}, includeSelectors: true}]\n");

        assertThatThrownBy(() -> Kustomize.render(dir.resolve("k"))).hasMessageContaining("includeSelectors");
    }
}
