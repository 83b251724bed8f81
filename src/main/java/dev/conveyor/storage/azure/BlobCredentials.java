package dev.conveyor.storage.azure;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.storage.common.StorageSharedKeyCredential;
import dev.conveyor.credentials.AzureAccount;
import dev.conveyor.credentials.AzureSdkCredentials;

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
            case SERVICE_PRINCIPAL, MANAGED_IDENTITY -> new BlobCredentials(auth, null,
                    AzureSdkCredentials.entra(account, http, "storage account '" + account.storageAccountName() + "'"));
        };
    }

    boolean usesSharedKey() {
        return sharedKey != null;
    }

    @Override
    public String toString() {
        return "BlobCredentials[" + auth + "]";
    }
}
