package dev.conveyor.credentials;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** The AWS SDK credentials an account names — one rule for the Batch backend and the S3 store. */
public final class AwsSdkCredentials {
    private AwsSdkCredentials() {
    }

    /**
     * Its static keys (with the session token when it has one), or — keys absent, or an access key id
     * without its secret — the SDK's default provider chain: environment, web identity, container or
     * instance role, resolved when a call needs them.
     */
    public static AwsCredentialsProvider of(AwsAccount account) {
        if (!account.staticKeys()) {
            return DefaultCredentialsProvider.builder().build();
        }
        AwsCredentials keys = account.sessionToken() != null
                ? AwsSessionCredentials.create(account.accessKeyId(), account.secretAccessKey().reveal(),
                        account.sessionToken().reveal())
                : AwsBasicCredentials.create(account.accessKeyId(), account.secretAccessKey().reveal());
        return StaticCredentialsProvider.create(keys);
    }
}
