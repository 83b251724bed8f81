package dev.conveyor.storage.s3;

import dev.conveyor.storage.SignedUrl;
import software.amazon.awssdk.awscore.presigner.PresignedRequest;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * SigV4 presigned URLs for one object: GET (ranges honoured) or PUT (create or replace), valid until
 * the asked expiry clamped to SigV4's 7 days — never unbounded, never already expired.
 */
final class S3SignedUrls {
    /** SigV4's longest presigned-URL validity. */
    static final Duration MAX_VALIDITY = Duration.ofDays(7);

    private final S3Presigner presigner;
    private final String bucket;

    S3SignedUrls(S3Presigner presigner, String bucket) {
        this.presigner = presigner;
        this.bucket = bucket;
    }

    SignedUrl get(String s3Key, Instant expiry) {
        Duration validity = validity(expiry);
        return signed(presigner.presignGetObject(p -> p.signatureDuration(validity)
                .getObjectRequest(g -> g.bucket(bucket).key(s3Key))));
    }

    SignedUrl put(String s3Key, Instant expiry) {
        Duration validity = validity(expiry);
        return signed(presigner.presignPutObject(p -> p.signatureDuration(validity)
                .putObjectRequest(g -> g.bucket(bucket).key(s3Key))));
    }

    static Duration validity(Instant expiry) {
        if (expiry == null) {
            throw new IllegalArgumentException("a signed URL needs an expiry");
        }
        Duration d = Duration.between(Instant.now(), expiry);
        if (d.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("a signed URL must expire in the future, not at " + expiry);
        }
        return d.compareTo(MAX_VALIDITY) > 0 ? MAX_VALIDITY : Duration.ofSeconds(d.toSeconds());
    }

    /** The URL and the headers the client must send with it (what was signed besides the host). */
    private static SignedUrl signed(PresignedRequest p) {
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        p.signedHeaders().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("host") && !values.isEmpty()) {
                headers.put(name, values.get(0));
            }
        });
        return new SignedUrl(URI.create(p.url().toString()), headers, p.expiration());
    }
}
