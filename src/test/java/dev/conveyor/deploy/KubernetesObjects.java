package dev.conveyor.deploy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses rendered objects into fabric8's typed Kubernetes model. A field the model does not know
 * (a typo such as {@code livenesProbe}) would land in an {@code additionalProperties} map and be
 * ignored by the API server's client-side tools; here it is an error with its path. Custom resources
 * (Strimzi, KEDA, Prometheus Operator) have no typed model here: they parse as
 * {@link GenericKubernetesResource} and the checks read the fields they rely on.
 */
final class KubernetesObjects {
    private static final Map<String, Class<? extends HasMetadata>> TYPED = Map.of(
            "v1/Namespace", Namespace.class,
            "v1/Service", Service.class,
            "v1/PersistentVolumeClaim", PersistentVolumeClaim.class,
            "v1/Secret", Secret.class,
            "apps/v1/Deployment", Deployment.class,
            "policy/v1/PodDisruptionBudget", PodDisruptionBudget.class);
    static final Set<String> CUSTOM = Set.of(
            "kafka.strimzi.io/v1beta2/Kafka",
            "kafka.strimzi.io/v1beta2/KafkaNodePool",
            "kafka.strimzi.io/v1beta2/KafkaTopic",
            "keda.sh/v1alpha1/ScaledObject",
            "monitoring.coreos.com/v1/ServiceMonitor");

    private KubernetesObjects() {
    }

    static HasMetadata parse(JsonNode object) {
        String type = object.path("apiVersion").asText() + "/" + object.path("kind").asText();
        String id = Kustomize.id(object);
        try {
            if (CUSTOM.contains(type)) {
                return YamlFiles.JSON.treeToValue(object, GenericKubernetesResource.class);
            }
            Class<? extends HasMetadata> model = TYPED.get(type);
            if (model == null) {
                throw new AssertionError(id + ": " + type + " is neither a typed kind " + TYPED.keySet()
                        + " nor a known custom resource " + CUSTOM);
            }
            HasMetadata typed = YamlFiles.JSON.treeToValue(object, model);
            List<String> unknown = new ArrayList<>();
            collectUnknownFields(typed, "", unknown);
            if (!unknown.isEmpty()) {
                throw new AssertionError(id + ": fields unknown to the " + model.getSimpleName() + " model: " + unknown);
            }
            return typed;
        } catch (JsonProcessingException e) {
            throw new AssertionError(id + ": does not parse as " + type + ": " + e.getOriginalMessage(), e);
        }
    }

    /** Walks the model's getters and collects every non-empty additionalProperties map, with its path. */
    private static void collectUnknownFields(Object value, String path, List<String> unknown) {
        if (value == null) {
            return;
        }
        if (value instanceof Collection<?> list) {
            int i = 0;
            for (Object item : list) {
                collectUnknownFields(item, path + "[" + i++ + "]", unknown);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> collectUnknownFields(v, path + "." + k, unknown));
            return;
        }
        if (!value.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
                    || !getter.getName().startsWith("get") || getter.getName().equals("getClass")) {
                continue;
            }
            Object child;
            try {
                child = getter.invoke(value);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
            String field = Character.toLowerCase(getter.getName().charAt(3)) + getter.getName().substring(4);
            if (field.equals("additionalProperties")) {
                if (child instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    extra.keySet().forEach(k -> unknown.add(path + "." + k));
                }
            } else {
                collectUnknownFields(child, path + "." + field, unknown);
            }
        }
    }
}
