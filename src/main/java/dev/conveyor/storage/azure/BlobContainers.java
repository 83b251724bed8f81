package dev.conveyor.storage.azure;

import com.azure.core.util.Context;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.options.BlobContainerCreateOptions;
import org.jboss.logging.Logger;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The account's containers as the layout uses them: created on first write (a job's with its id in
 * metadata, tolerating a concurrent creator), remembered so that signing a write URL costs no call
 * after the first, and deleted whole when a job is cleaned up.
 */
final class BlobContainers {
    private static final Logger LOG = Logger.getLogger(BlobContainers.class);
    private final BlobServiceClient service;
    private final Set<String> known = ConcurrentHashMap.newKeySet();

    BlobContainers(BlobServiceClient service) {
        this.service = service;
    }

    BlobContainerClient client(String container) {
        return service.getBlobContainerClient(container);
    }

    BlobClient blob(BlobLayout.Location at) {
        return client(at.container()).getBlobClient(at.blobName());
    }

    /** Runs a write; when its container is missing, creates the container and runs the write once more. */
    void write(BlobLayout.Location at, Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            if (!BlobErrors.isContainerMissing(e)) {
                throw e;
            }
            known.remove(at.container());
            ensure(at);
            call.run();
        }
    }

    /** Creates the location's container unless this store already made or found it. */
    void ensure(BlobLayout.Location at) {
        if (known.contains(at.container())) {
            return;
        }
        BlobContainerCreateOptions options = new BlobContainerCreateOptions();
        if (at.jobId() != null) {
            options.setMetadata(Map.of(BlobLayout.JOB_ID_METADATA, URLEncoder.encode(at.jobId(), StandardCharsets.UTF_8)));
        }
        boolean created = client(at.container()).createIfNotExistsWithResponse(options, null, Context.NONE).getValue();
        if (created) {
            LOG.debugf("created container %s%s", at.container(), at.jobId() == null ? "" : " for job " + at.jobId());
        }
        known.add(at.container());
    }

    /** Deletes a container and all it holds (one call; Azure removes the blobs in the background). */
    void delete(String container) {
        known.remove(container);
        if (service.deleteBlobContainerIfExists(container)) {
            LOG.debugf("deleted container %s", container);
        }
    }
}
