package dev.conveyor.storage.s3;

import dev.conveyor.credentials.AwsSdkCredentials;
import dev.conveyor.testing.S3ProxyFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Puts against S3Proxy: unknown length in parts of the part size (aborted on failure), known length as one PutObject. */
class S3UploadTest {
    private static final int MIB = 1024 * 1024;

    /** Counts the S3 operations the client sends, and the size of each part. */
    static final class OperationCounter implements ExecutionInterceptor {
        final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        final List<Long> partSizes = new CopyOnWriteArrayList<>();

        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            SdkRequest r = context.request();
            calls.computeIfAbsent(r.getClass().getSimpleName().replace("Request", ""), k -> new AtomicInteger()).incrementAndGet();
            if (r instanceof UploadPartRequest part) {
                partSizes.add(part.contentLength());
            }
        }

        int count(String operation) {
            AtomicInteger n = calls.get(operation);
            return n == null ? 0 : n.get();
        }
    }

    private final OperationCounter counter = new OperationCounter();
    private S3ObjectStore store;
    private S3Client plain;
    private String prefix;

    @BeforeEach
    void start() throws IOException {
        store = new S3ObjectStore(S3ProxyFixture.account(),
                S3StoreOptions.of("multipart").withPartSize(S3StoreOptions.MIN_PART_SIZE),
                b -> b.overrideConfiguration(o -> o.addExecutionInterceptor(counter)));
        store.createBucketIfMissing();
        plain = S3Clients.builder(S3ProxyFixture.account(), S3StoreOptions.of("multipart"),
                AwsSdkCredentials.of(S3ProxyFixture.account())).build();
        prefix = "jobs/mp-" + UUID.randomUUID().toString().substring(0, 8) + "/";
    }

    @AfterEach
    void stop() {
        store.close();
        plain.close();
    }

    private static byte[] random(int size) {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        return b;
    }

    @Test
    void aLongStreamOfUnknownLengthGoesUpInPartsOfThePartSize() throws IOException {
        byte[] data = random(12 * MIB + 1);
        store.put(prefix + "big.bin", new ByteArrayInputStream(data), -1);

        assertThat(counter.count("CreateMultipartUpload")).isEqualTo(1);
        assertThat(counter.count("UploadPart")).isEqualTo(3);
        assertThat(counter.partSizes).containsExactly(5L * MIB, 5L * MIB, 2L * MIB + 1);
        assertThat(counter.count("CompleteMultipartUpload")).isEqualTo(1);
        assertThat(counter.count("PutObject")).isZero();
        try (InputStream in = store.get(prefix + "big.bin")) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
    }

    @Test
    void aStreamExactlyTwoPartsLongSendsNoEmptyThirdPart() throws IOException {
        byte[] data = random(10 * MIB);
        store.put(prefix + "even.bin", new ByteArrayInputStream(data), -1);
        assertThat(counter.partSizes).containsExactly(5L * MIB, 5L * MIB);
        assertThat(store.read(prefix + "even.bin", 11 * MIB)).hasValueSatisfying(b -> assertThat(b).isEqualTo(data));
    }

    @Test
    void aStreamThatFitsInOnePartIsOnePutObject() throws IOException {
        byte[] data = random(MIB);
        store.put(prefix + "small.bin", new ByteArrayInputStream(data), -1);
        assertThat(counter.count("PutObject")).isEqualTo(1);
        assertThat(counter.count("CreateMultipartUpload")).isZero();
        assertThat(store.read(prefix + "small.bin", 2 * MIB)).hasValueSatisfying(b -> assertThat(b).isEqualTo(data));
    }

    @Test
    void aStreamThatFailsMidwayAbortsTheUploadAndLeavesNoObjectAndNoParts() {
        IOException broken = new IOException("disk went away");
        InputStream failing = new InputStream() {
            int pos;

            @Override
            public int read() throws IOException {
                if (pos >= 7 * MIB) {
                    throw broken;
                }
                pos++;
                return 'x';
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (pos >= 7 * MIB) {
                    throw broken;
                }
                int n = Math.min(len, 7 * MIB - pos);
                java.util.Arrays.fill(b, off, off + n, (byte) 'x');
                pos += n;
                return n;
            }
        };

        // S3Proxy lists uploads in progress (so the empty listing below means something)
        String probe = plain.createMultipartUpload(b -> b.bucket("multipart").key(prefix + "probe")).uploadId();
        assertThat(plain.listMultipartUploads(b -> b.bucket("multipart").prefix(prefix)).uploads()).hasSize(1);
        plain.abortMultipartUpload(b -> b.bucket("multipart").key(prefix + "probe").uploadId(probe));

        assertThatThrownBy(() -> store.put(prefix + "broken.bin", failing, -1)).isSameAs(broken);

        assertThat(counter.count("UploadPart")).isEqualTo(1);
        assertThat(counter.count("AbortMultipartUpload")).isEqualTo(1);
        assertThat(counter.count("CompleteMultipartUpload")).isZero();
        assertThat(plain.listMultipartUploads(b -> b.bucket("multipart").prefix(prefix)).uploads())
                .as("no upload left in progress").isEmpty();
        assertThat(plain.listObjectsV2(b -> b.bucket("multipart").prefix(prefix)).contents()).isEmpty();
    }

    @Test
    void aKnownLengthPutIsOnePutObjectAndAFailingStreamReportsItsOwnFailure() throws IOException {
        byte[] data = random(3 * MIB);
        store.put(prefix + "known.bin", new ByteArrayInputStream(data), data.length);
        assertThat(counter.count("PutObject")).isEqualTo(1);
        assertThat(counter.count("CreateMultipartUpload")).isZero();

        IOException broken = new IOException("source unreadable");
        InputStream failing = new InputStream() {
            @Override
            public int read() throws IOException {
                throw broken;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                throw broken;
            }
        };
        assertThatThrownBy(() -> store.put(prefix + "failing.bin", failing, 1000))
                .as("the caller's stream failed, not S3: no StoreUnavailableException").isSameAs(broken);
        assertThat(store.read(prefix + "failing.bin", 10)).isEmpty();
    }
}
