package dev.conveyor.storage.s3;

import dev.conveyor.credentials.AwsAccount;
import dev.conveyor.credentials.AwsSdkCredentials;
import dev.conveyor.storage.ConcurrentCalls;
import dev.conveyor.storage.ListPage;
import dev.conveyor.storage.ObjectStore;
import dev.conveyor.storage.PrefixGrant;
import dev.conveyor.storage.SignedUrl;
import dev.conveyor.storage.StoreUnavailableException;
import dev.conveyor.storage.StoredObject;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Object store on an S3 bucket (or an S3-compatible server), through the AWS SDK v2. Known-length
 * puts are one PutObject; unknown-length puts stream through {@link S3Multipart}; create-if-absent is
 * a PutObject with {@code If-None-Match: *}, which S3 resolves atomically; signed URLs are SigV4
 * presigned GET/PUT URLs for one key, valid at most 7 days. S3 cannot scope one URL to a prefix,
 * so {@link #prefixGrant} is empty.
 */
public final class S3ObjectStore implements ObjectStore, AutoCloseable {
    /** S3's largest single PutObject; longer known-length streams go in parts. */
    static final long MAX_SINGLE_PUT = 5L * 1024 * 1024 * 1024;
    /** Keys per DeleteObjects call: S3's limit. */
    static final int DELETE_BATCH = 1000;
    /** Attempts of a conditional create when S3 answers 409 ConditionalRequestConflict (a racing write in flight). */
    private static final int CONDITIONAL_CONFLICT_ATTEMPTS = 5;

    private final AwsCredentialsProvider credentials;
    private final S3Client client;
    private final S3Presigner presigner;
    private final S3SignedUrls urls;
    private final S3StoreOptions options;
    private final S3Errors errors;
    private final S3Multipart multipart;

    public S3ObjectStore(AwsAccount account, S3StoreOptions options) {
        this(account, options, UnaryOperator.identity());
    }

    /** With a last say on the client (tests add request interceptors). */
    S3ObjectStore(AwsAccount account, S3StoreOptions options, UnaryOperator<S3ClientBuilder> customise) {
        this.credentials = AwsSdkCredentials.of(account);
        this.client = customise.apply(S3Clients.builder(account, options, credentials)).build();
        this.presigner = S3Clients.presigner(account, credentials);
        this.urls = new S3SignedUrls(presigner, options.bucket());
        this.options = options;
        this.errors = new S3Errors(options.bucket());
        this.multipart = new S3Multipart(client, options.bucket(), options.partSize(), errors);
    }

    @Override
    public String type() {
        return "s3";
    }

    public String bucket() {
        return options.bucket();
    }

    private String s3Key(String key) {
        return options.keyPrefix() + ObjectStore.checkKey(key);
    }

    /** Creates the bucket when it does not exist yet (conveyor.storage.s3.create-bucket). */
    public void createBucketIfMissing() throws IOException {
        S3Buckets.createIfMissing(client, bucket(), errors);
    }

    @Override
    public void put(String key, InputStream data, long length) throws IOException {
        String k = s3Key(key);
        if (length < 0) {
            multipart.upload(k, data);
            return;
        }
        ExactLengthStream exact = new ExactLengthStream(data, length);
        if (length > MAX_SINGLE_PUT) {
            multipart.upload(k, exact, length);
            return;
        }
        try {
            client.putObject(b -> b.bucket(bucket()).key(k).contentLength(length), RequestBody.fromInputStream(exact, length));
        } catch (SdkException | IllegalStateException e) {
            if (exact.failure() != null) {
                throw exact.failure(); // the caller's stream failed, not S3
            }
            if (e instanceof SdkException sdk) {
                throw errors.map("PutObject", sdk);
            }
            // the SDK wanted to retry a failed attempt but a stream cannot be read twice
            throw new StoreUnavailableException("S3 PutObject on bucket '" + bucket()
                    + "' failed while sending the stream, which cannot be sent again", null, e);
        }
    }

    /**
     * {@inheritDoc} If a response is lost and the SDK retries, the retry can answer "exists" for the
     * object this very call created; callers that must tell compare the stored bytes with theirs.
     */
    @Override
    public boolean putIfAbsent(String key, byte[] data) throws IOException {
        String k = s3Key(key);
        for (int attempt = 1; ; attempt++) {
            try {
                client.putObject(b -> b.bucket(bucket()).key(k).ifNoneMatch("*"), RequestBody.fromBytes(data));
                return true;
            } catch (SdkException e) {
                if (S3Errors.hasStatus(e, 412)) {
                    return false; // PreconditionFailed: the object exists, untouched
                }
                if (S3Errors.hasStatus(e, 409) && attempt < CONDITIONAL_CONFLICT_ATTEMPTS) {
                    continue; // ConditionalRequestConflict: S3 asks to try again; the next try says 412 or succeeds
                }
                if (S3Errors.hasStatus(e, 501)) {
                    throw new IOException("the S3 server behind bucket '" + bucket()
                            + "' does not support conditional writes (If-None-Match: *), which create-if-absent needs", e);
                }
                throw errors.map("PutObject (If-None-Match)", e);
            }
        }
    }

    @Override
    public InputStream get(String key) throws IOException {
        return new S3ReadStream(open(key, null), errors);
    }

    /** GET (of a byte range, or all); a missing key is {@link NoSuchFileException}. */
    private ResponseInputStream<GetObjectResponse> open(String key, String range) throws IOException {
        String k = s3Key(key);
        try {
            return client.getObject(b -> b.bucket(bucket()).key(k).range(range));
        } catch (NoSuchKeyException e) {
            throw new NoSuchFileException(key);
        } catch (SdkException e) {
            if (range != null && S3Errors.hasStatus(e, 416)) {
                return null; // InvalidRange: the object exists and is empty
            }
            throw errors.map("GetObject", e);
        }
    }

    /** Independent calls at once ({@link ConcurrentCalls}): {@code readAll}, {@code tailAll} and {@code putAll} go through it. */
    @Override
    public <T> List<T> each(List<String> keys, KeyCall<T> call) throws IOException {
        return ConcurrentCalls.each(keys, call);
    }

    @Override
    public Optional<byte[]> read(String key, int maxBytes) throws IOException {
        ResponseInputStream<GetObjectResponse> in;
        try {
            in = open(key, null);
        } catch (NoSuchFileException absent) {
            return Optional.empty();
        }
        try (InputStream body = new S3ReadStream(in, errors)) {
            Long size = in.response().contentLength();
            byte[] bytes = size != null && size > maxBytes ? null : body.readNBytes(maxBytes + 1);
            if (bytes == null || bytes.length > maxBytes) {
                in.abort(); // do not drain a large body just to hand the connection back
                throw new IOException("object " + key + " is larger than " + maxBytes + " bytes");
            }
            return Optional.of(bytes);
        }
    }

    @Override
    public byte[] tail(String key, int maxBytes) throws IOException {
        ResponseInputStream<GetObjectResponse> in = open(key, "bytes=-" + Math.max(1, maxBytes));
        if (in == null || maxBytes <= 0) {
            if (in != null) {
                in.abort();
            }
            return new byte[0];
        }
        try (InputStream body = new S3ReadStream(in, errors)) {
            byte[] bytes = body.readAllBytes();
            // a server that ignores Range sends everything: keep the tail
            return bytes.length > maxBytes ? Arrays.copyOfRange(bytes, bytes.length - maxBytes, bytes.length) : bytes;
        }
    }

    @Override
    public ListPage list(String prefix, String continuation, int maxResults) throws IOException {
        ListObjectsV2Response page = listPage(prefix, continuation, Math.max(1, Math.min(maxResults, 1000)));
        int strip = options.keyPrefix().length();
        List<StoredObject> objects = page.contents().stream()
                .map(o -> new StoredObject(o.key().substring(strip), o.size() == null ? 0 : o.size()))
                .toList();
        return new ListPage(objects, Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null);
    }

    private ListObjectsV2Response listPage(String prefix, String continuation, int maxKeys) throws IOException {
        String p = options.keyPrefix() + prefix;
        try {
            return client.listObjectsV2(b -> b.bucket(bucket()).prefix(p).continuationToken(continuation).maxKeys(maxKeys));
        } catch (SdkException e) {
            throw errors.map("ListObjectsV2", e);
        }
    }

    @Override
    public void delete(String key) throws IOException {
        String k = s3Key(key);
        try {
            client.deleteObject(b -> b.bucket(bucket()).key(k));
        } catch (SdkException e) {
            throw errors.map("DeleteObject", e);
        }
    }

    /**
     * Page by page: list up to 1000 keys, delete them in one DeleteObjects call, and list again from
     * the start (what was deleted is gone from the listing, so no continuation token is needed).
     */
    @Override
    public void deletePrefix(String prefix) throws IOException {
        while (true) {
            ListObjectsV2Response page = listPage(prefix, null, DELETE_BATCH);
            if (page.contents().isEmpty()) {
                return;
            }
            List<ObjectIdentifier> keys = page.contents().stream()
                    .map(o -> ObjectIdentifier.builder().key(o.key()).build()).toList();
            DeleteObjectsResponse r;
            try {
                r = client.deleteObjects(b -> b.bucket(bucket()).delete(d -> d.objects(keys).quiet(true)));
            } catch (SdkException e) {
                throw errors.map("DeleteObjects", e);
            }
            if (r.hasErrors() && !r.errors().isEmpty()) {
                throw new IOException("S3 DeleteObjects on bucket '" + bucket() + "' could not delete "
                        + r.errors().size() + " of " + keys.size() + " objects under " + prefix + " (first: "
                        + r.errors().get(0).code() + ")");
            }
            if (!Boolean.TRUE.equals(page.isTruncated())) {
                return;
            }
        }
    }

    /** {@code s3://bucket/key}, with the characters a URI cannot hold percent-encoded. */
    @Override
    public URI uri(String key) {
        try {
            return new URI("s3", bucket(), "/" + s3Key(key), null, null);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("cannot make an s3: URI for bucket '" + bucket() + "'", e);
        }
    }

    @Override
    public SignedUrl readUrl(String key, Instant expiry) {
        return urls.get(s3Key(key), expiry);
    }

    @Override
    public SignedUrl writeUrl(String key, Instant expiry) {
        return urls.put(s3Key(key), expiry);
    }

    /** S3 cannot scope one presigned URL to a prefix: callers sign each key. */
    @Override
    public Optional<PrefixGrant> prefixGrant(String prefix, PrefixGrant.Access access, Instant expiry) {
        return Optional.empty();
    }

    /** HeadBucket: proves the bucket exists and these credentials may use it. */
    @Override
    public void check() throws IOException {
        try {
            client.headBucket(b -> b.bucket(bucket()));
        } catch (NoSuchBucketException e) {
            throw new IOException("S3 bucket '" + bucket() + "' does not exist (create it, or set conveyor.storage.s3.create-bucket=true)", e);
        } catch (SdkException e) {
            throw errors.map("HeadBucket", e);
        }
    }

    @Override
    public void close() {
        presigner.close();
        client.close();
        if (credentials instanceof AutoCloseable c) { // the default chain refreshes role credentials in the background
            try {
                c.close();
            } catch (Exception ignored) {
                // closing anyway
            }
        }
    }
}
