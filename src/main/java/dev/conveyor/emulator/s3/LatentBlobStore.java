package dev.conveyor.emulator.s3;

import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectResponse;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * A blob store that answers every object call and listing {@code latency} later than the store it
 * wraps, as a store across a network does (S3's first byte for a small object takes tens of
 * milliseconds): what the emulator's {@link S3EmulatorOptions#latency()} turns on, for benchmarks
 * that ask how the service does when each round trip costs that much. Calls wait on their own
 * threads, so concurrent calls overlap as they would on S3.
 */
final class LatentBlobStore extends ForwardingBlobStore {
    private final long latencyNanos;

    LatentBlobStore(BlobStore delegate, Duration latency) {
        super(delegate);
        this.latencyNanos = latency.toNanos();
    }

    /** What the wrapped store answers, {@code latency} later. */
    private <T> T later(Supplier<T> call) {
        long until = System.nanoTime() + latencyNanos;
        for (long left = latencyNanos; left > 0; left = until - System.nanoTime()) {
            LockSupport.parkNanos(left);
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return call.get();
    }

    @Override
    public ListObjectsV2Response list(ListObjectsV2Request request) {
        return later(() -> super.list(request));
    }

    @Override
    public boolean blobExists(String container, String name) {
        return later(() -> super.blobExists(container, name));
    }

    @Override
    public PutObjectResponse putBlob(PutObjectRequest request, InputStream content) {
        return later(() -> super.putBlob(request, content));
    }

    @Override
    public CopyObjectResponse copyBlob(CopyObjectRequest request) {
        return later(() -> super.copyBlob(request));
    }

    @Override
    public HeadObjectResponse blobMetadata(HeadObjectRequest request) {
        return later(() -> super.blobMetadata(request));
    }

    @Override
    public ResponseInputStream<GetObjectResponse> getBlob(GetObjectRequest request) {
        return later(() -> super.getBlob(request));
    }

    @Override
    public DeleteObjectResponse removeBlob(DeleteObjectRequest request) {
        return later(() -> super.removeBlob(request));
    }
}
