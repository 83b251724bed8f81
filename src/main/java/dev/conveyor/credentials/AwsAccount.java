package dev.conveyor.credentials;

/**
 * An AWS account as a profile holds it: static keys, or (keys absent) the SDK's default provider
 * chain — environment, web identity, container or instance role. Endpoints are null for the real
 * services; set them for emulators, S3-compatible servers or VPC endpoints.
 */
public record AwsAccount(
        String region,
        String accessKeyId,
        Secret secretAccessKey,
        Secret sessionToken,
        String batchEndpoint,
        String logsEndpoint,
        String s3Endpoint,
        boolean s3PathStyle) {

    public boolean staticKeys() {
        return accessKeyId != null && secretAccessKey != null;
    }
}
