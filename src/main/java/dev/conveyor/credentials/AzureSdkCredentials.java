package dev.conveyor.credentials;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.azure.identity.ManagedIdentityCredentialBuilder;

/** The Entra ID credential an Azure account names — one rule for the Batch backend and the Blob store. */
public final class AzureSdkCredentials {
    private AzureSdkCredentials() {
    }

    /**
     * A service principal's ({@code tenant-id}, {@code client-id}, {@code client-secret}) when the account
     * has a client secret, else the host's managed identity (user-assigned when {@code client-id} is set).
     *
     * @param http   the HTTP client azure-identity uses, or null for its own
     * @param target what the credential is for, as errors name it (e.g. "storage account 'data'")
     * @throws IllegalArgumentException when a service principal lacks its tenant-id or client-id
     */
    public static TokenCredential entra(AzureAccount account, HttpClient http, String target) {
        if (account.entraAuth() == AzureAccount.Auth.SERVICE_PRINCIPAL) {
            require(account.tenantId(), "tenant-id", target);
            require(account.clientId(), "client-id", target);
            ClientSecretCredentialBuilder b = new ClientSecretCredentialBuilder().tenantId(account.tenantId())
                    .clientId(account.clientId()).clientSecret(account.clientSecret().reveal());
            return (http == null ? b : b.httpClient(http)).build();
        }
        ManagedIdentityCredentialBuilder b = new ManagedIdentityCredentialBuilder();
        if (http != null) {
            b.httpClient(http);
        }
        if (account.clientId() != null) {
            b.clientId(account.clientId());
        }
        return b.build();
    }

    private static void require(String value, String key, String target) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("the Azure profile for " + target + " has a client-secret but no " + key
                    + " (a service principal needs tenant-id, client-id and client-secret)");
        }
    }
}
