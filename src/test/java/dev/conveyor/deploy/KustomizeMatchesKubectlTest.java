package dev.conveyor.deploy;

import dev.conveyor.testing.TestDirs;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Keeps {@link Kustomize} honest: where kubectl is installed (Debian's package renders offline), each
 * overlay rendered by {@code kubectl kustomize} must equal the Java rendering object for object.
 * Without kubectl this reports itself as not run.
 */
class KustomizeMatchesKubectlTest {

    static Stream<Path> overlays() {
        return RenderedOverlay.overlays().stream();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void kubectlRendersTheSameObjects(Path overlay) throws Exception {
        Optional<Path> kubectl = onPath("kubectl");
        assumeTrue(kubectl.isPresent(), "not run: kubectl is not installed, so " + overlay
                + " was rendered only by the Java renderer (apt-get install kubectl to compare)");

        Map<String, ObjectNode> expected = Kustomize.byId(kubectlKustomize(kubectl.get(), overlay));
        Map<String, ObjectNode> actual = Kustomize.byId(Kustomize.render(overlay));

        assertThat(expected).isNotEmpty();
        assertThat(actual.keySet()).isEqualTo(expected.keySet());
        actual.forEach((id, object) -> assertThat(object).as(id).isEqualTo(expected.get(id)));
    }

    private static List<ObjectNode> kubectlKustomize(Path kubectl, Path overlay) throws IOException, InterruptedException {
        Path out = TestDirs.file("kustomize-", ".yaml");
        try {
            Process process = new ProcessBuilder(kubectl.toString(), "kustomize", overlay.toString())
                    .redirectOutput(out.toFile()).redirectErrorStream(false).start();
            assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("kubectl kustomize finished").isTrue();
            String errors = new String(process.getErrorStream().readAllBytes());
            assertThat(process.exitValue()).as("kubectl kustomize %s: %s", overlay, errors).isZero();
            List<ObjectNode> objects = new ArrayList<>();
            for (JsonNode doc : YamlFiles.documents(out)) {
                objects.add((ObjectNode) doc);
            }
            return objects;
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static Optional<Path> onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
