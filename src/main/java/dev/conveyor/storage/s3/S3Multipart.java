package dev.conveyor.storage.s3;

import org.jboss.logging.Logger;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Uploads a stream of unknown length: one part in memory at a time. A stream that fits in one part
 * is one PutObject; a longer one is a multipart upload (create, a part per {@code partSize} bytes,
 * complete), aborted when anything fails, so no half object and no orphaned parts are left behind.
 */
final class S3Multipart {
    private static final Logger LOG = Logger.getLogger(S3Multipart.class);
    /** S3's limit on parts per upload. */
    static final int MAX_PARTS = 10_000;

    private final S3Client client;
    private final String bucket;
    private final int partSize;
    private final S3Errors errors;

    S3Multipart(S3Client client, String bucket, int partSize, S3Errors errors) {
        this.client = client;
        this.bucket = bucket;
        this.partSize = partSize;
        this.errors = errors;
    }

    /** Reads {@code in} to its end and stores it at {@code key} (the full S3 key). */
    void upload(String key, InputStream in) throws IOException {
        inParts(key, in, partSize);
    }

    /** Stores a stream known to be {@code length} bytes: parts large enough that it fits in S3's 10,000. */
    void upload(String key, InputStream in, long length) throws IOException {
        long needed = (length + MAX_PARTS - 1) / MAX_PARTS;
        inParts(key, in, (int) Math.min(Integer.MAX_VALUE - 8, Math.max(partSize, needed)));
    }

    private void inParts(String key, InputStream in, int size) throws IOException {
        byte[] part = new byte[size];
        int n = in.readNBytes(part, 0, size);
        if (n < size) {
            putWhole(key, part, n);
            return;
        }
        String uploadId = create(key);
        try {
            List<CompletedPart> done = new ArrayList<>();
            while (n > 0) {
                if (done.size() == MAX_PARTS) {
                    throw new IOException("the stream is longer than S3 allows for " + MAX_PARTS + " parts of "
                            + size + " bytes: raise conveyor.storage.s3.part-size-mib");
                }
                done.add(uploadPart(key, uploadId, done.size() + 1, part, n));
                n = in.readNBytes(part, 0, size);
            }
            complete(key, uploadId, done);
        } catch (IOException | RuntimeException e) {
            abort(key, uploadId, e);
            throw e;
        }
    }

    private void putWhole(String key, byte[] bytes, int length) throws IOException {
        try {
            client.putObject(b -> b.bucket(bucket).key(key).contentLength((long) length), body(bytes, length));
        } catch (SdkException e) {
            throw errors.map("PutObject", e);
        }
    }

    private String create(String key) throws IOException {
        try {
            return client.createMultipartUpload(b -> b.bucket(bucket).key(key)
                    .checksumAlgorithm(ChecksumAlgorithm.CRC32)).uploadId();
        } catch (SdkException e) {
            throw errors.map("CreateMultipartUpload", e);
        }
    }

    private CompletedPart uploadPart(String key, String uploadId, int number, byte[] bytes, int length) throws IOException {
        try {
            UploadPartResponse r = client.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId)
                    .partNumber(number).contentLength((long) length).checksumAlgorithm(ChecksumAlgorithm.CRC32),
                    body(bytes, length));
            return CompletedPart.builder().partNumber(number).eTag(r.eTag()).checksumCRC32(r.checksumCRC32()).build();
        } catch (SdkException e) {
            throw errors.map("UploadPart", e);
        }
    }

    private void complete(String key, String uploadId, List<CompletedPart> parts) throws IOException {
        try {
            client.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)
                    .multipartUpload(u -> u.parts(parts)));
        } catch (SdkException e) {
            throw errors.map("CompleteMultipartUpload", e);
        }
    }

    /** Best effort: the upload already failed; a failed abort is recorded on that failure, not thrown. */
    private void abort(String key, String uploadId, Exception failure) {
        try {
            client.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
        } catch (SdkException e) {
            IOException mapped = errors.map("AbortMultipartUpload", e);
            failure.addSuppressed(mapped);
            LOG.warnf("could not abort a failed multipart upload in S3 bucket '%s' (S3 expires it with a lifecycle rule, if the bucket has one): %s",
                    bucket, mapped.getMessage());
        }
    }

    /** A body the SDK can replay on retry without copying the part. */
    private static RequestBody body(byte[] bytes, int length) {
        return RequestBody.fromContentProvider(() -> new ByteArrayInputStream(bytes, 0, length), length,
                "application/octet-stream");
    }
}
