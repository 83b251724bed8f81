package dev.conveyor.storage.azure;

import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.identity.ClientSecretCredential;
import com.azure.identity.ManagedIdentityCredential;
import dev.conveyor.credentials.AzureAccount;
import dev.conveyor.credentials.Secret;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Which credential a profile's Azure account gives the store, and how its SAS are signed. Entra ID
 * cannot be exercised against a real tenant here: these prove the wiring (credential type and
 * fields, user-delegation signing), {@link AzureBlobEntraTest} the token and delegation flow against Azurite.
 */
class BlobCredentialsTest {
    private static final String KEY = "a2V5LWJ5dGVzLWZvci10ZXN0cy1vbmx5LW5vdC1hLXJlYWwta2V5LTAxMjM0NTY3ODk=";

    private static AzureAccount account(String key, String tenant, String client, String secret, boolean managed) {
        return new AzureAccount(null, null, null, "acct", Secret.of(key), "https://acct.blob.core.windows.net",
                tenant, client, Secret.of(secret), managed);
    }

    @Test
    void anAccountKeyMeansSharedKeyRequestsAndKeySignedSas() {
        BlobCredentials c = BlobCredentials.of(account(KEY, "t", "c", "s", false), new JdkHttpClientBuilder().build());
        assertThat(c.auth()).isEqualTo(AzureAccount.Auth.SHARED_KEY);
        assertThat(c.sharedKey().getAccountName()).isEqualTo("acct");
        assertThat(c.token()).isNull();
        AzureBlobObjectStore store = new AzureBlobObjectStore(AzureBlobSettings.defaults(account(KEY, null, null, null, false)));
        assertThat(store.signsWithUserDelegation()).isFalse();
        assertThat(store.readUrl("jobs/j/a", Instant.now().plusSeconds(60)).url().getQuery()).doesNotContain("skoid");
    }

    @Test
    void aClientSecretWithoutAKeyMeansAServicePrincipalAndUserDelegationSas() {
        AzureAccount sp = account(null, "tenant-1", "client-1", "s3cr3t-value", false);
        BlobCredentials c = BlobCredentials.of(sp, new JdkHttpClientBuilder().build());
        assertThat(c.auth()).isEqualTo(AzureAccount.Auth.SERVICE_PRINCIPAL);
        assertThat(c.token()).isInstanceOf(ClientSecretCredential.class);
        assertThat(c.sharedKey()).isNull();
        assertThat(c.toString()).doesNotContain("s3cr3t-value");
        assertThat(new AzureBlobObjectStore(AzureBlobSettings.defaults(sp)).signsWithUserDelegation()).isTrue();
    }

    @Test
    void managedIdentityIsUsedWhenAskedOrWhenNothingElseIsGiven() {
        BlobCredentials userAssigned = BlobCredentials.of(account(null, null, "mi-client", null, true), new JdkHttpClientBuilder().build());
        assertThat(userAssigned.auth()).isEqualTo(AzureAccount.Auth.MANAGED_IDENTITY);
        assertThat(userAssigned.token()).isInstanceOfSatisfying(ManagedIdentityCredential.class,
                mi -> assertThat(mi.getClientId()).isEqualTo("mi-client"));

        BlobCredentials systemAssigned = BlobCredentials.of(account(null, null, null, null, false), new JdkHttpClientBuilder().build());
        assertThat(systemAssigned.auth()).isEqualTo(AzureAccount.Auth.MANAGED_IDENTITY);
        assertThat(systemAssigned.token()).isInstanceOfSatisfying(ManagedIdentityCredential.class,
                mi -> assertThat(mi.getClientId()).isNull());
        assertThat(new AzureBlobObjectStore(AzureBlobSettings.defaults(account(null, null, null, null, true)))
                .signsWithUserDelegation()).isTrue();
    }

    @Test
    void aServicePrincipalWithoutTenantOrClientIdIsRefusedWithoutShowingTheSecret() {
        assertThatThrownBy(() -> BlobCredentials.of(account(null, null, "client-1", "s3cr3t-value", false), new JdkHttpClientBuilder().build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tenant-id")
                .hasMessageNotContaining("s3cr3t-value");
        assertThatThrownBy(() -> BlobCredentials.of(account(null, "tenant-1", null, "s3cr3t-value", false), new JdkHttpClientBuilder().build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("client-id")
                .hasMessageNotContaining("s3cr3t-value");
    }
}
