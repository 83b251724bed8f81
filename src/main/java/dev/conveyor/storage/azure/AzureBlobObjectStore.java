package dev.conveyor.storage.azure;

import com.azure.core.http.HttpClient;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobRange;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.ConsistentReadControl;
import com.azure.storage.blob.options.BlobInputStreamOptions;
import com.azure.storage.blob.options.BlockBlobCommitBlockListOptions;
import com.azure.storage.blob.options.BlockBlobSimpleUploadOptions;
import com.azure.storage.blob.options.BlockBlobStageBlockOptions;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import dev.conveyor.storage.ConcurrentCalls;
import dev.conveyor.storage.ListPage;
import dev.conveyor.storage.ObjectStore;
import dev.conveyor.storage.PrefixGrant;
import dev.conveyor.storage.SignedUrl;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The {@code azure-blob} object store: one storage account, a main container and one container per
 * job ({@link BlobLayout}, which says why). Reads and writes stream ({@link BlockUpload}); signed
 * URLs are blob SAS, prefix grants container SAS of the job's container ({@link BlobSas}); errors
 * are typed ({@link BlobErrors}); transient failures are retried in the call as the service asks,
 * within limits ({@link BlobRetry}).
 *
 * <p>Containers are created on first write (a write that finds its container missing creates it
 * and tries once more), so a job's container exists from its first object to its clean-up.
 */
public final class AzureBlobObjectStore implements ObjectStore {
    private final AzureBlobSettings settings;
    private final BlobLayout layout;
    private final BlobServiceClient service;
    private final BlobSas sas;
    private final BlobErrors errors;
    private final BlobListing listing;
    private final BlobCredentials credentials;
    private final BlobContainers containers;
    private final BlobGrants grants;

    public AzureBlobObjectStore(AzureBlobSettings settings) {
        this(settings, new JdkHttpClientBuilder().connectionTimeout(Duration.ofSeconds(10)).build(), Clock.systemUTC());
    }

    /** With another HTTP client (a proxy, a test trust store) or clock. */
    AzureBlobObjectStore(AzureBlobSettings settings, HttpClient http, Clock clock) {
        this(settings, http, clock, BlobCredentials.of(settings.account(), http));
    }

    /** With a credential of the caller's (tests: a token an emulator accepts). */
    AzureBlobObjectStore(AzureBlobSettings settings, HttpClient http, Clock clock, BlobCredentials credentials) {
        this.settings = settings;
        this.layout = new BlobLayout(settings.containerPrefix());
        this.credentials = credentials;
        String endpoint = settings.account().blobEndpointOrDefault();
        // One try per call in the Storage SDK's policy (its per-try timeout); the retries are BlobRetry's.
        BlobServiceClientBuilder builder = new BlobServiceClientBuilder().endpoint(endpoint).httpClient(http)
                .retryOptions(new RequestRetryOptions(RetryPolicyType.FIXED, 1, settings.requestTimeout(), null, null, null))
                .addPolicy(new BlobRetry(settings.maxTries(), settings.maxRetryDelay()));
        this.service = credentials.usesSharedKey() ? builder.credential(credentials.sharedKey()).buildClient()
                : builder.credential(credentials.token()).buildClient();
        String account = settings.account().storageAccountName();
        this.errors = new BlobErrors(account);
        this.sas = new BlobSas(credentials.usesSharedKey() ? null : service::getUserDelegationKey, clock,
                settings.maxUrlValidity(), endpoint.startsWith("https:"), account);
        this.listing = new BlobListing(service, layout, settings.requestTimeout());
        this.containers = new BlobContainers(service);
        this.grants = new BlobGrants(containers, sas, errors);
    }

    @Override
    public String type() {
        return "azure-blob";
    }

    /** How SAS are signed: with the account key, or with user delegation keys (Entra ID). */
    boolean signsWithUserDelegation() {
        return sas.usesUserDelegation();
    }

    BlobCredentials credentials() {
        return credentials;
    }

    /** The container a key's blob lives in (for tests and operators: see {@link BlobLayout}). */
    String containerOf(String key) {
        return layout.locate(ObjectStore.checkKey(key)).container();
    }

    @Override
    public void put(String key, InputStream data, long length) throws IOException {
        BlobLayout.Location at = layout.locate(ObjectStore.checkKey(key));
        var blob = blob(at).getBlockBlobClient();
        String what = "put " + key;
        BlockUpload.upload(data, length, settings.blockSize(), new BlockUpload.Target() {
            @Override
            public void putWhole(byte[] bytes, int n) throws IOException {
                write(at, what, () -> blob.uploadWithResponse(new BlockBlobSimpleUploadOptions(slice(bytes, n)), null, Context.NONE));
            }

            @Override
            public void stageBlock(String blockId, byte[] bytes, int n) throws IOException {
                write(at, what, () -> blob.stageBlockWithResponse(new BlockBlobStageBlockOptions(blockId, slice(bytes, n)), null, Context.NONE));
            }

            @Override
            public void commit(List<String> blockIds) throws IOException {
                write(at, what, () -> blob.commitBlockListWithResponse(new BlockBlobCommitBlockListOptions(blockIds), null, Context.NONE));
            }
        });
    }

    private static BinaryData slice(byte[] bytes, int n) {
        return BinaryData.fromByteBuffer(ByteBuffer.wrap(bytes, 0, n));
    }

    @Override
    public boolean putIfAbsent(String key, byte[] data) throws IOException {
        BlobLayout.Location at = layout.locate(ObjectStore.checkKey(key));
        var blob = blob(at).getBlockBlobClient();
        try {
            containers.write(at, () -> blob.uploadWithResponse(new BlockBlobSimpleUploadOptions(BinaryData.fromBytes(data))
                    .setRequestConditions(new BlobRequestConditions().setIfNoneMatch("*")), null, Context.NONE));
            return true;
        } catch (RuntimeException e) {
            int status = BlobErrors.status(e);
            if (status == 409 || status == 412) {
                return false; // BlobAlreadyExists / ConditionNotMet: the object already there stays
            }
            throw errors.map(e, "create " + key);
        }
    }

    @Override
    public InputStream get(String key) throws IOException {
        BlobClient blob = blob(layout.locate(ObjectStore.checkKey(key)));
        try {
            InputStream in = blob.openInputStream(new BlobInputStreamOptions().setConsistentReadControl(ConsistentReadControl.ETAG));
            return new BlobReadStream(in, errors, "read " + key);
        } catch (RuntimeException e) {
            throw notFoundOr(e, key, "read " + key);
        }
    }

    /** Independent calls at once ({@link ConcurrentCalls}): {@code readAll}, {@code tailAll} and {@code putAll} go through it. */
    @Override
    public <T> List<T> each(List<String> keys, KeyCall<T> call) throws IOException {
        return ConcurrentCalls.each(keys, call);
    }

    @Override
    public Optional<byte[]> read(String key, int maxBytes) throws IOException {
        BlobClient blob = blob(layout.locate(ObjectStore.checkKey(key)));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            blob.downloadStreamWithResponse(out, new BlobRange(0, (long) maxBytes + 1), null, null, false, null, Context.NONE);
        } catch (RuntimeException e) {
            int status = BlobErrors.status(e);
            if (status == 404) {
                return Optional.empty();
            }
            if (status == 416) {
                return Optional.of(new byte[0]); // a range starting at 0 is only unsatisfiable for an empty blob
            }
            throw errors.map(e, "read " + key);
        }
        if (out.size() > maxBytes) {
            throw new IOException("object " + key + " is larger than " + maxBytes + " bytes");
        }
        return Optional.of(out.toByteArray());
    }

    @Override
    public byte[] tail(String key, int maxBytes) throws IOException {
        BlobClient blob = blob(layout.locate(ObjectStore.checkKey(key)));
        for (int attempt = 1; ; attempt++) {
            try {
                BlobProperties p = blob.getPropertiesWithResponse(null, null, Context.NONE).getValue();
                long size = p.getBlobSize();
                long from = Math.max(0, size - maxBytes);
                if (size == 0 || maxBytes <= 0) {
                    return new byte[0];
                }
                ByteArrayOutputStream out = new ByteArrayOutputStream((int) (size - from));
                blob.downloadStreamWithResponse(out, new BlobRange(from, size - from), null,
                        new BlobRequestConditions().setIfMatch(p.getETag()), false, null, Context.NONE);
                return out.toByteArray();
            } catch (RuntimeException e) {
                if (BlobErrors.status(e) == 412 && attempt < 3) {
                    continue; // replaced between the two calls: read the new one
                }
                throw notFoundOr(e, key, "read the tail of " + key);
            }
        }
    }

    @Override
    public ListPage list(String prefix, String continuation, int maxResults) throws IOException {
        try {
            return listing.page(prefix, continuation, maxResults);
        } catch (RuntimeException e) {
            throw errors.map(e, "list " + prefix);
        }
    }

    @Override
    public void delete(String key) throws IOException {
        BlobClient blob = blob(layout.locate(ObjectStore.checkKey(key)));
        try {
            blob.deleteIfExistsWithResponse(null, null, null, Context.NONE);
        } catch (RuntimeException e) {
            if (BlobErrors.status(e) != 404) {
                throw errors.map(e, "delete " + key);
            }
        }
    }

    @Override
    public void deletePrefix(String prefix) throws IOException {
        BlobLayout.Scope scope = BlobLayout.scopeOf(prefix);
        try {
            Optional<String> job = BlobLayout.jobOf(prefix);
            if (job.isPresent() && prefix.equals(BlobLayout.jobPrefix(job.get()))) {
                containers.delete(layout.jobContainer(job.get()));
                return;
            }
            if (scope == BlobLayout.Scope.SOME_JOBS || scope == BlobLayout.Scope.MAIN_AND_JOBS) {
                for (String id : listing.jobIds(prefix)) {
                    containers.delete(layout.jobContainer(id));
                }
            }
            if (scope != BlobLayout.Scope.SOME_JOBS) {
                String container = job.map(layout::jobContainer).orElse(layout.mainContainer());
                for (String name : listing.names(container, prefix)) {
                    delete(name);
                }
            }
        } catch (RuntimeException e) {
            throw errors.map(e, "delete " + prefix);
        }
    }

    @Override
    public URI uri(String key) {
        return URI.create(grants.url(layout.locate(ObjectStore.checkKey(key))));
    }

    @Override
    public SignedUrl readUrl(String key, Instant expiry) {
        return grants.read(layout.locate(ObjectStore.checkKey(key)), expiry);
    }

    @Override
    public SignedUrl writeUrl(String key, Instant expiry) {
        return grants.write(layout.locate(ObjectStore.checkKey(key)), expiry);
    }

    @Override
    public Optional<PrefixGrant> prefixGrant(String prefix, PrefixGrant.Access access, Instant expiry) {
        Optional<String> job = BlobLayout.jobOf(ObjectStore.checkKey(prefix));
        if (job.isEmpty()) {
            return Optional.empty(); // a grant may not reach past one job, and only a job has a container of its own
        }
        return Optional.of(grants.prefix(new BlobLayout.Location(layout.jobContainer(job.get()), job.get(), prefix), access, expiry));
    }

    @Override
    public void check() throws IOException {
        try {
            service.getBlobContainerClient(layout.mainContainer()).existsWithResponse(null, Context.NONE);
        } catch (RuntimeException e) {
            throw errors.map(e, "check the main container " + layout.mainContainer());
        }
    }

    private BlobClient blob(BlobLayout.Location at) {
        return containers.blob(at);
    }

    private IOException notFoundOr(RuntimeException e, String key, String what) {
        return BlobErrors.status(e) == 404 ? new NoSuchFileException(key) : errors.map(e, what);
    }

    private void write(BlobLayout.Location at, String what, Runnable call) throws IOException {
        try {
            containers.write(at, call);
        } catch (RuntimeException e) {
            throw errors.map(e, what);
        }
    }
}
