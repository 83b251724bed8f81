package dev.conveyor.app;

import dev.conveyor.config.ConveyorConfig;

import dev.conveyor.credentials.Profiles;
import dev.conveyor.emulator.s3.S3Emulator;
import dev.conveyor.storage.ObjectStore;
import dev.conveyor.storage.ObservedObjectStore;
import dev.conveyor.storage.s3.S3ObjectStore;
import dev.conveyor.testing.S3ProxyFixture;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code conveyor.storage.type=s3}: the configuration keys reach an S3 store on the profile's account. */
class S3StoreWiringTest {

    private static ConveyorConfig config(Map<String, String> properties) {
        SmallRyeConfig config = new SmallRyeConfigBuilder().addDiscoveredConverters()
                .withMapping(ConveyorConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter()) // "2s", as Quarkus reads durations
                .withSources(new PropertiesConfigSource(properties, "test", 500))
                .build();
        return config.getConfigMapping(ConveyorConfig.class);
    }

    private static Map<String, String> s3Properties(String bucket) {
        S3Emulator s3 = S3ProxyFixture.emulator();
        Map<String, String> p = new HashMap<>();
        p.put("conveyor.storage.type", "s3");
        p.put("conveyor.storage.s3.bucket", bucket);
        p.put("conveyor.storage.s3.profile", "emulated");
        p.put("conveyor.profiles.emulated.aws.region", s3.region());
        p.put("conveyor.profiles.emulated.aws.access-key-id", s3.accessKeyId());
        p.put("conveyor.profiles.emulated.aws.secret-access-key", s3.secretAccessKey());
        p.put("conveyor.profiles.emulated.aws.s3-endpoint", s3.endpoint());
        p.put("conveyor.profiles.emulated.aws.s3-path-style", "true");
        return p;
    }

    private static ObjectStore wire(Map<String, String> properties) {
        ConveyorConfig config = config(properties);
        Wiring wiring = new Wiring();
        Profiles profiles = wiring.profiles(config);
        return wiring.objectStore(config, profiles);
    }

    @Test
    void theS3KeysMakeAnS3StoreOnTheNamedProfileCreatingItsBucket() throws Exception {
        Map<String, String> p = s3Properties("wired");
        p.put("conveyor.storage.s3.create-bucket", "true");
        p.put("conveyor.storage.s3.key-prefix", "env/dev");
        p.put("conveyor.storage.s3.part-size-mib", "6");
        ObjectStore store = wire(p);
        try {
            assertThat(store).isInstanceOf(ObservedObjectStore.class); // its calls and bytes are in /q/metrics
            assertThat(ObservedObjectStore.unwrap(store)).isInstanceOf(S3ObjectStore.class);
            assertThat(store.type()).isEqualTo("s3");
            store.check();
            store.put("jobs/w/spec.json", "{}".getBytes(StandardCharsets.UTF_8));
            assertThat(store.uri("jobs/w/spec.json")).hasToString("s3://wired/env/dev/jobs/w/spec.json");
            assertThat(S3ProxyFixture.emulator().dataDir().resolve("wired/env/dev/jobs/w/spec.json")).exists();
        } finally {
            ((S3ObjectStore) ObservedObjectStore.unwrap(store)).close();
        }
    }

    @Test
    void aMissingBucketWithoutCreateBucketIsReportedByCheck() throws Exception {
        try (S3ObjectStore store = (S3ObjectStore) ObservedObjectStore.unwrap(wire(s3Properties("never-created")))) {
            assertThatThrownBy(store::check).isInstanceOf(IOException.class)
                    .hasMessageContaining("S3 bucket 'never-created' does not exist")
                    .hasMessageContaining("conveyor.storage.s3.create-bucket");
        }
    }

    @Test
    void missingBucketOrProfileIsAClearConfigurationError() {
        Map<String, String> noBucket = s3Properties("x");
        noBucket.remove("conveyor.storage.s3.bucket");
        assertThatThrownBy(() -> wire(noBucket)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("conveyor.storage.s3.bucket");

        Map<String, String> noProfile = s3Properties("x");
        noProfile.put("conveyor.storage.s3.profile", "nope");
        assertThatThrownBy(() -> wire(noProfile)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("conveyor.storage.s3.profile=nope");

        Map<String, String> smallParts = s3Properties("x");
        smallParts.put("conveyor.storage.s3.part-size-mib", "4");
        assertThatThrownBy(() -> wire(smallParts)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("5 MiB");

        assertThatThrownBy(() -> wire(Map.of("conveyor.storage.type", "gcs"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("supported: file, s3");
    }
}
