package dev.conveyor.credentials;

/**
 * An Azure account as a profile holds it: a Batch account and a storage account, reached with
 * shared keys, or with Entra ID (a service principal: tenant, client id and secret; or a managed
 * identity). Absent values are null. Endpoints default to the public cloud's
 * ({@code https://<account>.blob.core.windows.net}); set them for sovereign clouds or emulators.
 *
 * @param batchAccountUrl   e.g. {@code https://<account>.<region>.batch.azure.com}
 * @param blobEndpoint      e.g. {@code https://<account>.blob.core.windows.net}, or Azurite's URL
 * @param managedIdentity   use the managed identity of the host (with {@code clientId} naming a
 *                          user-assigned one, else the system-assigned one)
 */
public record AzureAccount(
        String batchAccountName,
        String batchAccountUrl,
        Secret batchAccountKey,
        String storageAccountName,
        Secret storageAccountKey,
        String blobEndpoint,
        String tenantId,
        String clientId,
        Secret clientSecret,
        boolean managedIdentity) {

    /** How requests to Azure are authorised with this account. */
    public enum Auth { SHARED_KEY, SERVICE_PRINCIPAL, MANAGED_IDENTITY }

    public Auth batchAuth() {
        return batchAccountKey != null ? Auth.SHARED_KEY : entraAuth();
    }

    public Auth storageAuth() {
        return storageAccountKey != null ? Auth.SHARED_KEY : entraAuth();
    }

    /** How Entra ID sign-in goes when a shared key does not: a service principal, or the host's managed identity. */
    public Auth entraAuth() {
        return managedIdentity || clientSecret == null ? Auth.MANAGED_IDENTITY : Auth.SERVICE_PRINCIPAL;
    }

    public String blobEndpointOrDefault() {
        return blobEndpoint != null ? blobEndpoint : "https://" + storageAccountName + ".blob.core.windows.net";
    }
}
