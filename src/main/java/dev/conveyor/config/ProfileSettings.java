package dev.conveyor.config;

import dev.conveyor.credentials.AwsAccount;
import dev.conveyor.credentials.AzureAccount;
import dev.conveyor.credentials.Profile;
import dev.conveyor.credentials.Profiles;
import dev.conveyor.credentials.Secret;

import java.util.LinkedHashMap;
import java.util.Map;

/** Turns the {@code conveyor.profiles.*} configuration into the plain credential records backends take. */
public final class ProfileSettings {
    private ProfileSettings() {
    }

    public static Profiles of(Map<String, ProfileConfig> config) {
        Map<String, Profile> profiles = new LinkedHashMap<>();
        config.forEach((name, p) -> profiles.put(name, new Profile(name,
                p.azure().map(ProfileSettings::azure).orElse(null),
                p.aws().map(ProfileSettings::aws).orElse(null),
                p.defaults())));
        return new Profiles(profiles);
    }

    private static AzureAccount azure(ProfileConfig.AzureConfig a) {
        return new AzureAccount(a.batchAccountName().orElse(null), a.batchAccountUrl().orElse(null),
                Secret.of(a.batchAccountKey().orElse(null)), a.storageAccountName().orElse(null),
                Secret.of(a.storageAccountKey().orElse(null)), a.blobEndpoint().orElse(null),
                a.tenantId().orElse(null), a.clientId().orElse(null), Secret.of(a.clientSecret().orElse(null)),
                a.managedIdentity());
    }

    private static AwsAccount aws(ProfileConfig.AwsConfig a) {
        return new AwsAccount(a.region(), a.accessKeyId().orElse(null), Secret.of(a.secretAccessKey().orElse(null)),
                Secret.of(a.sessionToken().orElse(null)), a.batchEndpoint().orElse(null), a.logsEndpoint().orElse(null),
                a.s3Endpoint().orElse(null), a.s3PathStyle());
    }
}
