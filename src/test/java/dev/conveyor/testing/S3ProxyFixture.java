package dev.conveyor.testing;

import dev.conveyor.credentials.AwsAccount;
import dev.conveyor.credentials.Secret;
import dev.conveyor.emulator.s3.S3Emulator;
import dev.conveyor.emulator.s3.S3EmulatorOptions;

/**
 * One S3Proxy (the {@link S3Emulator}) per test JVM, started on first use on a free port with SigV4
 * on, stopped when the JVM exits. Tests share it: each works in its own bucket or key prefix.
 */
public final class S3ProxyFixture {
    private static S3Emulator emulator;

    private S3ProxyFixture() {
    }

    public static synchronized S3Emulator emulator() {
        if (emulator == null) {
            S3Emulator started = S3Emulator.start(S3EmulatorOptions.defaults());
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "s3proxy-stop"));
            emulator = started;
        }
        return emulator;
    }

    /** An account with the shared emulator's keys, endpoint and path-style addressing. */
    public static AwsAccount account() {
        return account(emulator());
    }

    /** An account with {@code s3}'s keys, endpoint and path-style addressing. */
    public static AwsAccount account(S3Emulator s3) {
        return new AwsAccount(s3.region(), s3.accessKeyId(), Secret.of(s3.secretAccessKey()), null,
                null, null, s3.endpoint(), true);
    }

    /** The same endpoint with a wrong secret key: every signed request is refused. */
    public static AwsAccount accountWithSecret(String secretAccessKey) {
        S3Emulator s3 = emulator();
        return new AwsAccount(s3.region(), s3.accessKeyId(), Secret.of(secretAccessKey), null,
                null, null, s3.endpoint(), true);
    }
}
