package dev.conveyor.emulator.azurite;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.sas.BlobContainerSasPermission;
import com.azure.storage.blob.sas.BlobServiceSasSignatureValues;
import com.azure.storage.common.StorageSharedKeyCredential;

import java.time.OffsetDateTime;
import java.util.List;

/** Containers in an Azurite, through the Azure SDK with the development account's key: for setting up and checking tests. */
public final class AzuriteContainers {
    private final BlobServiceClient service;

    public AzuriteContainers(Azurite azurite) {
        this.service = new BlobServiceClientBuilder().endpoint(azurite.blobEndpoint())
                .credential(new StorageSharedKeyCredential(azurite.accountName(), azurite.accountKey())).buildClient();
    }

    public BlobServiceClient service() {
        return service;
    }

    /** The container, created when missing. */
    public BlobContainerClient container(String name) {
        BlobContainerClient c = service.getBlobContainerClient(name);
        c.createIfNotExists();
        return c;
    }

    /** A container URL with a SAS allowing read, list, write and create for an hour. */
    public String containerSasUrl(String name) {
        BlobContainerClient c = container(name);
        String sas = c.generateSas(new BlobServiceSasSignatureValues(OffsetDateTime.now().plusHours(1),
                new BlobContainerSasPermission().setReadPermission(true).setListPermission(true)
                        .setWritePermission(true).setCreatePermission(true)));
        return c.getBlobContainerUrl() + "?" + sas;
    }

    public List<String> blobNames(String container) {
        return container(container).listBlobs().stream().map(BlobItem::getName).sorted().toList();
    }

    public boolean exists(String container) {
        return service.getBlobContainerClient(container).exists();
    }
}
