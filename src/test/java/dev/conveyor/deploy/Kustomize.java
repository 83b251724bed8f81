package dev.conveyor.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Renders a kustomization the way {@code kubectl kustomize} does, for the features {@code k8s/}
 * uses and no others: {@code resources} (files and kustomization folders), {@code patches} (JSON 6902
 * with a {@code target} of kind/name, names as anchored regular expressions), {@code namespace},
 * {@code labels} (metadata only) and {@code images}, applied in kustomize's order (patches, namespace,
 * labels, images). Anything else in a kustomization is refused with its file and field, so the
 * renderer never silently renders something kustomize would render differently; and a patch that
 * matches nothing is an error here (kustomize ignores it). {@code KustomizeMatchesKubectlTest}
 * compares its output with kubectl's wherever kubectl is installed.
 */
final class Kustomize {
    static final String FILE = "kustomization.yaml";
    private static final Set<String> FIELDS = Set.of("apiVersion", "kind", "resources", "namespace", "labels", "patches", "images");
    /** Kinds kustomize does not give a namespace (the ones k8s/ could plausibly hold). */
    private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace", "ClusterRole", "ClusterRoleBinding",
            "CustomResourceDefinition", "PersistentVolume", "StorageClass", "PriorityClass");

    private Kustomize() {
    }

    /** The objects the kustomization in {@code dir} renders to, in resource order. */
    static List<ObjectNode> render(Path dir) {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(dir + ": no " + FILE);
        }
        ObjectNode kustomization = YamlFiles.document(file);
        kustomization.fieldNames().forEachRemaining(field -> {
            if (!FIELDS.contains(field)) {
                throw new IllegalArgumentException(file + ": '" + field + "' is not supported by this renderer (supported: " + FIELDS + ")");
            }
        });
        expect(file, kustomization, "apiVersion", "kustomize.config.k8s.io/v1beta1");
        expect(file, kustomization, "kind", "Kustomization");

        List<ObjectNode> objects = new ArrayList<>();
        for (JsonNode resource : kustomization.path("resources")) {
            Path path = dir.resolve(resource.asText()).normalize();
            if (Files.isDirectory(path)) {
                objects.addAll(render(path));
            } else {
                for (JsonNode doc : YamlFiles.documents(path)) {
                    if (!doc.isObject() || !doc.has("kind") || !doc.path("metadata").has("name")) {
                        throw new IllegalArgumentException(path + ": every document must be an object with kind and metadata.name");
                    }
                    objects.add((ObjectNode) doc);
                }
            }
        }
        for (JsonNode patch : kustomization.path("patches")) {
            applyPatch(dir, file, patch, objects);
        }
        if (kustomization.has("namespace")) {
            setNamespace(kustomization.get("namespace").asText(), objects);
        }
        for (JsonNode labels : kustomization.path("labels")) {
            addLabels(file, labels, objects);
        }
        for (JsonNode image : kustomization.path("images")) {
            setImage(file, image, objects);
        }
        return objects;
    }

    private static void expect(Path file, JsonNode node, String field, String value) {
        if (!value.equals(node.path(field).asText())) {
            throw new IllegalArgumentException(file + ": " + field + " must be " + value);
        }
    }

    private static void applyPatch(Path dir, Path file, JsonNode entry, List<ObjectNode> objects) {
        only(file, "patches[]", entry, Set.of("path", "patch", "target"));
        only(file, "patches[].target", entry.path("target"), Set.of("kind", "name", "group", "version"));
        String text = entry.has("path") ? YamlFiles.read(dir.resolve(entry.get("path").asText())) : entry.path("patch").asText();
        List<JsonNode> docs = YamlFiles.documents(text, file + " patch");
        if (docs.size() != 1 || !docs.get(0).isArray()) {
            throw new IllegalArgumentException(file + ": only JSON 6902 patches (a list of operations) are supported; "
                    + "strategic merge patches are not");
        }
        if (!entry.has("target")) {
            throw new IllegalArgumentException(file + ": a JSON 6902 patch needs a target");
        }
        JsonNode target = entry.get("target");
        int matched = 0;
        for (int i = 0; i < objects.size(); i++) {
            ObjectNode object = objects.get(i);
            if (matches(target, object)) {
                objects.set(i, JsonPatches.apply(docs.get(0), object, file + " on " + object.path("kind").asText()
                        + "/" + object.path("metadata").path("name").asText()));
                matched++;
            }
        }
        if (matched == 0) {
            throw new IllegalArgumentException(file + ": patch target " + target + " matches no resource");
        }
    }

    private static boolean matches(JsonNode target, ObjectNode object) {
        String apiVersion = object.path("apiVersion").asText();
        String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
        String version = apiVersion.substring(apiVersion.indexOf('/') + 1);
        return matchesField(target, "kind", object.path("kind").asText())
                && matchesField(target, "name", object.path("metadata").path("name").asText())
                && matchesField(target, "group", group)
                && matchesField(target, "version", version);
    }

    /** kustomize reads target fields as regular expressions matched against the whole value. */
    private static boolean matchesField(JsonNode target, String field, String value) {
        return !target.has(field) || Pattern.matches(target.get(field).asText(), value);
    }

    private static void setNamespace(String namespace, List<ObjectNode> objects) {
        for (ObjectNode object : objects) {
            ObjectNode metadata = (ObjectNode) object.get("metadata");
            if ("Namespace".equals(object.path("kind").asText())) {
                metadata.put("name", namespace); // as kustomize does
            } else if (!CLUSTER_SCOPED.contains(object.path("kind").asText())) {
                metadata.put("namespace", namespace);
            }
        }
    }

    private static void addLabels(Path file, JsonNode entry, List<ObjectNode> objects) {
        only(file, "labels[]", entry, Set.of("pairs", "includeSelectors", "includeTemplates"));
        if (entry.path("includeSelectors").asBoolean(false) || entry.path("includeTemplates").asBoolean(false)) {
            throw new IllegalArgumentException(file + ": labels with includeSelectors/includeTemplates are not supported");
        }
        for (ObjectNode object : objects) {
            ObjectNode metadata = (ObjectNode) object.get("metadata");
            ObjectNode labels = metadata.has("labels") ? (ObjectNode) metadata.get("labels") : metadata.putObject("labels");
            entry.path("pairs").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
        }
    }

    private static void setImage(Path file, JsonNode entry, List<ObjectNode> objects) {
        only(file, "images[]", entry, Set.of("name", "newName", "newTag"));
        String name = entry.path("name").asText();
        for (ObjectNode object : objects) {
            JsonNode podSpec = object.path("spec").path("template").path("spec");
            for (String list : List.of("containers", "initContainers")) {
                for (JsonNode container : podSpec.path(list)) {
                    String image = container.path("image").asText();
                    String repository = image.split("[:@]")[0];
                    if (repository.equals(name)) {
                        String tag = image.contains(":") ? image.substring(image.indexOf(':')) : "";
                        String newImage = entry.path("newName").asText(repository)
                                + (entry.has("newTag") ? ":" + entry.get("newTag").asText() : tag);
                        ((ObjectNode) container).put("image", newImage);
                    }
                }
            }
        }
    }

    private static void only(Path file, String where, JsonNode node, Set<String> allowed) {
        node.fieldNames().forEachRemaining(field -> {
            if (!allowed.contains(field)) {
                throw new IllegalArgumentException(file + ": " + where + "." + field + " is not supported by this renderer");
            }
        });
    }

    /** Objects by {@code Kind/namespace/name}, the identity kustomize and kubectl use. */
    static Map<String, ObjectNode> byId(List<ObjectNode> objects) {
        Map<String, ObjectNode> out = new java.util.TreeMap<>();
        for (ObjectNode object : objects) {
            String id = id(object);
            if (out.put(id, object) != null) {
                throw new IllegalArgumentException("two resources with the same id " + id);
            }
        }
        return out;
    }

    static String id(JsonNode object) {
        return object.path("kind").asText() + "/" + object.path("metadata").path("namespace").asText("-") + "/"
                + object.path("metadata").path("name").asText();
    }

    static ArrayNode containers(JsonNode object) {
        return (ArrayNode) object.path("spec").path("template").path("spec").path("containers");
    }
}
