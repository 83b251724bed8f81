package dev.conveyor.credentials;

import java.util.Map;

/**
 * A named set of credentials and defaults in the service's configuration
 * ({@code conveyor.profiles.<name>.*}). A request names a profile ({@code runsOn.profile}) or gets
 * {@code default}; it never carries a credential itself.
 *
 * @param azure    the Azure account, or null
 * @param aws      the AWS account, or null
 * @param defaults provider options applied when the request does not set them (pool id, VM size,
 *                 job queue…), in the request's own option names
 */
public record Profile(String name, AzureAccount azure, AwsAccount aws, Map<String, String> defaults) {
    public Profile {
        defaults = defaults == null ? Map.of() : Map.copyOf(defaults);
    }
}
