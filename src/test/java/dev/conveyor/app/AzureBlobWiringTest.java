package dev.conveyor.app;

import dev.conveyor.config.ConveyorConfig;
import dev.conveyor.config.ProfileSettings;

import dev.conveyor.credentials.Profiles;
import dev.conveyor.emulator.azurite.Azurite;
import dev.conveyor.emulator.azurite.SharedAzurite;
import dev.conveyor.storage.ObjectStore;
import dev.conveyor.storage.azure.AzureBlobSettings;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code conveyor.storage.type=azure-blob}: the documented keys, read through the real config mapping, make a working store. */
class AzureBlobWiringTest {

    private static ConveyorConfig config(Map<String, String> properties) {
        SmallRyeConfig config = new SmallRyeConfigBuilder().addDefaultInterceptors().addDiscoveredConverters()
                .withMapping(ConveyorConfig.class)
                .withSources(new PropertiesConfigSource(properties, "test", 500)).build();
        return config.getConfigMapping(ConveyorConfig.class);
    }

    @Test
    void theDefaultsAreTheDocumentedOnes() {
        Map<String, String> p = Map.of("conveyor.profiles.default.azure.storage-account-name", "acct",
                "conveyor.profiles.default.azure.storage-account-key", "a2V5");
        ConveyorConfig c = config(p);
        AzureBlobSettings s = AzureBlobWiring.settings(c.storage().azure(), ProfileSettings.of(c.profiles()));
        assertThat(s).isEqualTo(new AzureBlobSettings(s.account(), "conveyor", 8 * 1024 * 1024, Duration.ofDays(7),
                Duration.ofSeconds(60), 3, Duration.ofSeconds(10)));
        assertThat(s.account().blobEndpointOrDefault()).isEqualTo("https://acct.blob.core.windows.net");
    }

    @Test
    void theAzureBlobTypeBuildsAStoreOnTheNamedProfilesAccount() throws Exception {
        Azurite azurite = SharedAzurite.get();
        Map<String, String> p = new HashMap<>();
        p.put("conveyor.storage.type", "azure-blob");
        p.put("conveyor.storage.azure.profile", "blob");
        p.put("conveyor.storage.azure.container-prefix", "wiring");
        p.put("conveyor.storage.azure.block-size", "1M");
        p.put("conveyor.storage.azure.max-url-validity", "2h");
        p.put("conveyor.profiles.blob.azure.storage-account-name", azurite.accountName());
        p.put("conveyor.profiles.blob.azure.storage-account-key", azurite.accountKey());
        p.put("conveyor.profiles.blob.azure.blob-endpoint", azurite.blobEndpoint());
        ConveyorConfig c = config(p);
        Profiles profiles = ProfileSettings.of(c.profiles());

        assertThat(AzureBlobWiring.settings(c.storage().azure(), profiles).blockSize()).isEqualTo(1024 * 1024);
        ObjectStore store = new Wiring().objectStore(c, profiles);
        assertThat(store.type()).isEqualTo("azure-blob");
        store.put("jobs/wired/spec.json", "{}".getBytes(StandardCharsets.UTF_8));
        assertThat(store.read("jobs/wired/spec.json", 10)).contains("{}".getBytes(StandardCharsets.UTF_8));
        assertThat(store.readUrl("jobs/wired/spec.json", java.time.Instant.now().plus(Duration.ofDays(1))).expiresAt())
                .isBefore(java.time.Instant.now().plus(Duration.ofHours(2)).plusSeconds(5));
    }

    @Test
    void aMissingProfileOrStorageAccountIsNamedInTheError() {
        ConveyorConfig none = config(Map.of("conveyor.storage.type", "azure-blob", "conveyor.storage.azure.profile", "blob"));
        assertThatThrownBy(() -> new Wiring().objectStore(none, ProfileSettings.of(none.profiles())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("conveyor.storage.azure.profile=blob");
        ConveyorConfig batchOnly = config(Map.of("conveyor.storage.type", "azure-blob",
                "conveyor.profiles.default.azure.batch-account-name", "b", "conveyor.profiles.default.azure.batch-account-key", "s3cr3t"));
        assertThatThrownBy(() -> new Wiring().objectStore(batchOnly, ProfileSettings.of(batchOnly.profiles())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("conveyor.profiles.default.azure.storage-account-name").hasMessageNotContaining("s3cr3t");
    }
}
