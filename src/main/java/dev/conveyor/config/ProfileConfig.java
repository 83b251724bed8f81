package dev.conveyor.config;

import io.smallrye.config.WithDefault;

import java.util.Map;
import java.util.Optional;

/**
 * One named credential profile ({@code conveyor.profiles.<name>.*}, {@link ConveyorConfig#profiles}):
 * the Azure and AWS accounts it reaches and the provider options it fills in. Values come from env or
 * secret files.
 */
public interface ProfileConfig {
    Optional<AzureConfig> azure();

    Optional<AwsConfig> aws();

    /** Provider options applied when a request does not set them (e.g. {@code pool_id}, {@code job_queue_arn}). */
    Map<String, String> defaults();

    interface AzureConfig {
        Optional<String> batchAccountName();

        Optional<String> batchAccountUrl();

        Optional<String> batchAccountKey();

        Optional<String> storageAccountName();

        Optional<String> storageAccountKey();

        /** Blob service endpoint; default {@code https://<storage-account-name>.blob.core.windows.net}. */
        Optional<String> blobEndpoint();

        Optional<String> tenantId();

        Optional<String> clientId();

        Optional<String> clientSecret();

        /** Use the host's managed identity (user-assigned when client-id is set). */
        @WithDefault("false")
        boolean managedIdentity();
    }

    interface AwsConfig {
        @WithDefault("us-east-1")
        String region();

        /** Static keys; when absent, the AWS SDK's default provider chain (env, web identity, instance role). */
        Optional<String> accessKeyId();

        Optional<String> secretAccessKey();

        Optional<String> sessionToken();

        Optional<String> batchEndpoint();

        Optional<String> logsEndpoint();

        Optional<String> s3Endpoint();

        @WithDefault("false")
        boolean s3PathStyle();
    }
}
