package dev.conveyor.compute.azure;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.microsoft.azure.batch.protocol.BatchServiceClient;
import com.microsoft.azure.batch.protocol.models.BatchErrorException;
import dev.conveyor.compute.TerminalComputeException;
import dev.conveyor.credentials.AzureAccount;
import dev.conveyor.credentials.Secret;
import dev.conveyor.emulator.azure.AzureBatchEmulator;
import dev.conveyor.emulator.azure.AzureBatchEmulatorOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;

import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Entra ID path of the Batch client (service principal, managed identity): every request carries
 * a bearer token from the profile's azure-identity credential, fetched again only when the last one
 * is about to expire — against the project's Azure Batch emulator, which accepts one bearer token
 * and refuses others. The credential here hands out fixed tokens (no tenant is reached); which one
 * azure-identity builds from a profile is {@code BatchClients.open(AzureAccount, …)}'s switch.
 */
class BatchClientsEntraTest {
    @TempDir
    Path workDir;
    private AzureBatchEmulator emulator;

    @BeforeEach
    void start() {
        emulator = AzureBatchEmulator.start(AzureBatchEmulatorOptions.defaults().withBearerToken("t0ken").withWorkDir(workDir));
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    /** Hands out {@code token}, valid for {@code life}, and counts how often it was asked. */
    private static final class FixedToken implements TokenCredential {
        final AtomicInteger fetched = new AtomicInteger();
        final List<String> scopes = new ArrayList<>();
        private final String token;
        private final Duration life;

        FixedToken(String token, Duration life) {
            this.token = token;
            this.life = life;
        }

        @Override
        public Mono<AccessToken> getToken(com.azure.core.credential.TokenRequestContext request) {
            return Mono.fromSupplier(() -> getTokenSync(request));
        }

        @Override
        public AccessToken getTokenSync(com.azure.core.credential.TokenRequestContext request) {
            fetched.incrementAndGet();
            scopes.addAll(request.getScopes());
            return new AccessToken(token, OffsetDateTime.now().plus(life));
        }
    }

    @Test
    void requestsCarryTheTokenWhichIsFetchedOnceWhileValid() {
        FixedToken credential = new FixedToken("t0ken", Duration.ofHours(1));
        BatchServiceClient client = BatchClients.open(emulator.endpoint(), credential, Duration.ofSeconds(30));

        assertThat(client.pools().list()).isEmpty();
        assertThat(client.jobs().list()).isEmpty();

        assertThat(credential.fetched).hasValue(1);
        assertThat(credential.scopes).containsExactly("https://batch.core.windows.net/.default");
    }

    @Test
    void aTokenAboutToExpireIsFetchedAgainBeforeTheNextRequest() {
        FixedToken credential = new FixedToken("t0ken", Duration.ofSeconds(60));
        BatchServiceClient client = BatchClients.open(emulator.endpoint(), credential, Duration.ofSeconds(30));

        client.pools().list();
        client.pools().list();

        assertThat(credential.fetched).hasValue(2);
    }

    @Test
    void aTokenTheServiceRefusesIsAnAuthenticationFailure() {
        BatchServiceClient client = BatchClients.open(emulator.endpoint(), new FixedToken("not-it", Duration.ofHours(1)),
                Duration.ofSeconds(30));

        assertThatThrownBy(() -> client.pools().list())
                .isInstanceOfSatisfying(BatchErrorException.class, e -> assertThat(e.body().code()).isEqualTo("AuthenticationFailed"));
    }

    /** A profile with a client secret but no tenant: a clear, terminal error before any request (same rule as the Blob store's). */
    @Test
    void aServicePrincipalWithoutItsTenantIsAMissingOption() {
        AzureAccount noTenant = new AzureAccount("batchacct", emulator.endpoint(), null, null, null, null, null, "app-id",
                Secret.of("s3cret"), false);

        assertThatThrownBy(() -> BatchClients.open(noTenant, Duration.ofSeconds(30)))
                .isInstanceOfSatisfying(TerminalComputeException.class, e -> {
                    assertThat(e.code()).isEqualTo("MissingOption");
                    assertThat(e.getMessage()).isEqualTo("the Azure profile for Batch account 'batchacct' has a client-secret "
                            + "but no tenant-id (a service principal needs tenant-id, client-id and client-secret)")
                            .doesNotContain("s3cret");
                });
    }
}
