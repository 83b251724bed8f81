package dev.conveyor.storage.azure;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.sas.BlobContainerSasPermission;
import com.azure.storage.blob.sas.BlobSasPermission;
import dev.conveyor.storage.PrefixGrant;
import dev.conveyor.storage.SignedUrl;

import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What the store hands to tasks and batch services: blob SAS URLs (read; create+write) and
 * container SAS grants for a prefix inside one job (read+list; create+write), each expiring. Write
 * access makes sure the container exists first, since a SAS cannot create one.
 */
final class BlobGrants {
    private final BlobContainers containers;
    private final BlobSas sas;
    private final BlobErrors errors;

    BlobGrants(BlobContainers containers, BlobSas sas, BlobErrors errors) {
        this.containers = containers;
        this.sas = sas;
        this.errors = errors;
    }

    SignedUrl read(BlobLayout.Location at, Instant expiry) {
        OffsetDateTime until = sas.expiry(expiry);
        String token = signing(() -> sas.forBlob(containers.blob(at), new BlobSasPermission().setReadPermission(true), until), at);
        return new SignedUrl(URI.create(url(at) + "?" + token), Map.of(), until.toInstant());
    }

    SignedUrl write(BlobLayout.Location at, Instant expiry) {
        OffsetDateTime until = sas.expiry(expiry);
        String token = signing(() -> {
            containers.ensure(at);
            return sas.forBlob(containers.blob(at), new BlobSasPermission().setCreatePermission(true).setWritePermission(true), until);
        }, at);
        return new SignedUrl(URI.create(url(at) + "?" + token), Map.of("x-ms-blob-type", "BlockBlob"), until.toInstant());
    }

    /** A container SAS of the job's container, with {@code at.blobName()} as the path of the prefix in it. */
    PrefixGrant prefix(BlobLayout.Location at, PrefixGrant.Access access, Instant expiry) {
        BlobContainerClient container = containers.client(at.container());
        OffsetDateTime until = sas.expiry(expiry);
        BlobContainerSasPermission permission = access == PrefixGrant.Access.READ
                ? new BlobContainerSasPermission().setReadPermission(true).setListPermission(true)
                : new BlobContainerSasPermission().setCreatePermission(true).setWritePermission(true);
        String token = signing(() -> {
            if (access == PrefixGrant.Access.WRITE) {
                containers.ensure(at);
            }
            return sas.forContainer(container, permission, until);
        }, at);
        return new PrefixGrant(URI.create(container.getBlobContainerUrl() + "?" + token), at.blobName(), access, until.toInstant());
    }

    /**
     * The blob's URL with its name's '/' kept as path separators (the SDK's own URL encodes them as
     * %2F, which Azure reads the same): a key reads as itself in every URL this store hands out.
     */
    String url(BlobLayout.Location at) {
        StringBuilder url = new StringBuilder(containers.client(at.container()).getBlobContainerUrl());
        for (String segment : at.blobName().split("/", -1)) {
            url.append('/').append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return url.toString();
    }

    private String signing(Supplier<String> sign, BlobLayout.Location at) {
        try {
            return sign.get();
        } catch (RuntimeException e) {
            throw new UncheckedIOException(errors.map(e, "sign a URL for " + at.blobName()));
        }
    }
}
