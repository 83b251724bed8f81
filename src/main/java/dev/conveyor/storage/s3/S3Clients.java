package dev.conveyor.storage.s3;

import dev.conveyor.credentials.AwsAccount;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

import java.net.URI;
import java.util.Optional;

/**
 * Builds the SDK's S3 client and presigner from a profile's {@link AwsAccount}: static keys (with
 * a session token when there is one), or — keys absent — the SDK's default provider chain
 * (environment, web identity, ECS container role, EC2 instance role); its region; an endpoint
 * override and path-style addressing for S3-compatible servers. HTTP goes through the Apache
 * client (the one HTTP implementation on the classpath).
 */
public final class S3Clients {
    private S3Clients() {
    }

    /** A client builder with everything set (tests add interceptors to it before {@code build()}). */
    public static S3ClientBuilder builder(AwsAccount account, S3StoreOptions options, AwsCredentialsProvider credentials) {
        S3ClientBuilder b = S3Client.builder()
                .region(Region.of(account.region()))
                .credentialsProvider(credentials)
                .forcePathStyle(account.s3PathStyle())
                .httpClientBuilder(Apache5HttpClient.builder()
                        .connectionTimeout(options.connectTimeout())
                        .socketTimeout(options.socketTimeout())
                        .maxConnections(64))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                        .maxAttempts(options.maxAttempts()).build()));
        endpoint(account).ifPresent(b::endpointOverride);
        return b;
    }

    /** A presigner that signs as the client does: same region, credentials, endpoint and addressing. */
    public static S3Presigner presigner(AwsAccount account, AwsCredentialsProvider credentials) {
        S3Presigner.Builder b = S3Presigner.builder()
                .region(Region.of(account.region()))
                .credentialsProvider(credentials)
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(account.s3PathStyle()).build());
        endpoint(account).ifPresent(b::endpointOverride);
        return b.build();
    }

    private static Optional<URI> endpoint(AwsAccount account) {
        String e = account.s3Endpoint();
        return e == null || e.isBlank() ? Optional.empty() : Optional.of(URI.create(e));
    }
}
