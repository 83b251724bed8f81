package dev.conveyor.storage.azure;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.azure.identity.ManagedIdentityCredentialBuilder;
import com.azure.storage.common.StorageSharedKeyCredential;
import dev.conveyor.credentials.AzureAccount;

/**
 * The credential the store signs its requests with, from a profile's Azure account: the storage
 * account key (requests signed with SharedKey, SAS signed with the key), or an Entra ID token —
 * a service principal's ({@code tenant-id}, {@code client-id}, {@code client-secret}) or the host's
 * managed identity (user-assigned when {@code client-id} is set) — with SAS signed by a user
 * delegation key ({@link BlobSas}).
 */
record BlobCredentials(AzureAccount.Auth auth, StorageSharedKeyCredential sharedKey, TokenCredential token) {

    static BlobCredentials of(AzureAccount account, HttpClient http) {
        AzureAccount.Auth auth = account.storageAuth();
        return switch (auth) {
            case SHARED_KEY -> new BlobCredentials(auth,
                    new StorageSharedKeyCredential(account.storageAccountName(), account.storageAccountKey().reveal()), null);
            case SERVICE_PRINCIPAL -> {
                require(account.tenantId(), "tenant-id", account);
                require(account.clientId(), "client-id", account);
                yield new BlobCredentials(auth, null, new ClientSecretCredentialBuilder()
                        .tenantId(account.tenantId()).clientId(account.clientId())
                        .clientSecret(account.clientSecret().reveal()).httpClient(http).build());
            }
            case MANAGED_IDENTITY -> {
                ManagedIdentityCredentialBuilder b = new ManagedIdentityCredentialBuilder().httpClient(http);
                if (account.clientId() != null) {
                    b.clientId(account.clientId());
                }
                yield new BlobCredentials(auth, null, b.build());
            }
        };
    }

    private static void require(String value, String key, AzureAccount account) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("the Azure profile for storage account '" + account.storageAccountName()
                    + "' has a client-secret but no " + key + " (a service principal needs tenant-id, client-id and client-secret)");
        }
    }

    boolean usesSharedKey() {
        return sharedKey != null;
    }

    @Override
    public String toString() {
        return "BlobCredentials[" + auth + "]";
    }
}
