package dev.conveyor.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** One overlay of {@code k8s/}, rendered, with every object parsed into its model. */
record RenderedOverlay(Path dir, List<ObjectNode> objects, List<HasMetadata> parsed) {
    static final Path K8S = Path.of("k8s");

    static RenderedOverlay render(Path dir) {
        List<ObjectNode> objects = Kustomize.render(dir);
        return new RenderedOverlay(dir, objects, objects.stream().map(KubernetesObjects::parse).toList());
    }

    /** Every folder under {@code k8s/overlays}: a new overlay is checked without being listed anywhere. */
    static List<Path> overlays() {
        try (Stream<Path> dirs = Files.list(K8S.resolve("overlays"))) {
            List<Path> out = dirs.filter(Files::isDirectory).sorted().toList();
            if (out.isEmpty()) {
                throw new IllegalStateException("no overlays under k8s/overlays");
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String name() {
        return dir.getFileName().toString();
    }

    List<ObjectNode> ofKind(String kind) {
        return objects.stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
    }

    ObjectNode one(String kind, String name) {
        return objects.stream()
                .filter(o -> kind.equals(o.path("kind").asText()) && name.equals(o.path("metadata").path("name").asText()))
                .findFirst().orElseThrow(() -> new AssertionError(name() + ": no " + kind + " named " + name));
    }

    @Override
    public String toString() {
        return name();
    }

    static String name(JsonNode object) {
        return object.path("metadata").path("name").asText();
    }
}
