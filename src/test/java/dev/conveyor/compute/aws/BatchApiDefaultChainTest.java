package dev.conveyor.compute.aws;

import dev.conveyor.compute.TerminalComputeException;
import dev.conveyor.credentials.AwsAccount;
import dev.conveyor.emulator.aws.AwsBatchEmulator;
import dev.conveyor.emulator.aws.AwsBatchEmulatorOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A profile without keys signs with what the SDK's default provider chain finds — here its first
 * link, the JVM's {@code aws.accessKeyId} / {@code aws.secretAccessKey} properties, standing in for
 * the environment, web identity or an instance role — against the project's AWS Batch emulator,
 * which verifies every SigV4 signature.
 */
class BatchApiDefaultChainTest {
    private static final String ID = "AKIDDEFAULTCHAIN0001";
    private static final String SECRET = "default-chain-secret-0000000000000000000";
    private static final String[] PROPERTIES = {"aws.accessKeyId", "aws.secretAccessKey"};
    private final Map<String, String> saved = new HashMap<>();
    private AwsBatchEmulator emulator;
    private AwsAccount noKeys;

    @BeforeEach
    void start() {
        for (String p : PROPERTIES) {
            saved.put(p, System.getProperty(p));
        }
        emulator = AwsBatchEmulator.start(AwsBatchEmulatorOptions.builder().credentials(ID, SECRET).region("eu-west-3").build());
        noKeys = new AwsAccount("eu-west-3", null, null, null, emulator.endpoint(), emulator.endpoint(), null, true);
    }

    @AfterEach
    void stop() {
        emulator.close();
        saved.forEach((p, v) -> {
            if (v == null) {
                System.clearProperty(p);
            } else {
                System.setProperty(p, v);
            }
        });
    }

    @Test
    void withoutKeysTheCredentialsTheChainFindsSignTheCalls() {
        System.setProperty("aws.accessKeyId", ID);
        System.setProperty("aws.secretAccessKey", SECRET);

        try (BatchApi api = new BatchApi(noKeys)) {
            assertThat(api.queue(AwsBatchEmulatorOptions.DEFAULT_QUEUE)).isPresent();
        }
    }

    @Test
    void credentialsTheServiceRefusesAreATerminalErrorWithoutTheSecret() {
        System.setProperty("aws.accessKeyId", ID);
        System.setProperty("aws.secretAccessKey", "not-the-secret-0000000000000000000000000");

        try (BatchApi api = new BatchApi(noKeys)) {
            assertThatThrownBy(() -> api.queue(AwsBatchEmulatorOptions.DEFAULT_QUEUE))
                    .isInstanceOfSatisfying(TerminalComputeException.class, e -> {
                        assertThat(e.code()).isEqualTo("InvalidSignatureException");
                        assertThat(e.getMessage()).doesNotContain("not-the-secret");
                    });
        }
    }
}
