package dev.conveyor.deploy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KubernetesObjectsTest {

    @Test
    void aKnownKindParsesIntoItsTypedModel() {
        var object = YamlFiles.documents("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: d}
                spec:
                  template:
                    spec:
                      containers: [{name: c, image: i, livenessProbe: {httpGet: {path: /q/health/live, port: http}}}]
                """, "test").get(0);

        Deployment deployment = (Deployment) KubernetesObjects.parse(object);

        assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getLivenessProbe().getHttpGet()
                .getPath()).isEqualTo("/q/health/live");
    }

    @Test
    void aMisspelledFieldIsAnErrorWithItsPath() {
        var object = YamlFiles.documents("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: d}
                spec:
                  template:
                    spec:
                      containers: [{name: c, image: i, livenesProbe: {httpGet: {path: /q/health/live, port: http}}}]
                """, "test").get(0);

        assertThatThrownBy(() -> KubernetesObjects.parse(object))
                .hasMessageContaining("Deployment/-/d").hasMessageContaining(".spec.template.spec.containers[0].livenesProbe");
    }

    @Test
    void customResourcesParseAsGenericResourcesAndUnknownKindsAreRefused() {
        var topic = YamlFiles.documents("""
                apiVersion: kafka.strimzi.io/v1beta2
                kind: KafkaTopic
                metadata: {name: t}
                spec: {partitions: 6}
                """, "test").get(0);
        var unknown = YamlFiles.documents("apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\n", "test").get(0);

        assertThat(KubernetesObjects.parse(topic)).isInstanceOf(GenericKubernetesResource.class);
        assertThatThrownBy(() -> KubernetesObjects.parse(unknown)).hasMessageContaining("batch/v1/CronJob");
    }
}
