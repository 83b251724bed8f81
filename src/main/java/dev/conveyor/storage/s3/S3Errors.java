package dev.conveyor.storage.s3;

import dev.conveyor.storage.StoreUnavailableException;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

import java.io.IOException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.Set;

/**
 * Turns what the S3 SDK throws into the store's exceptions. Throttling (503 SlowDown, 429), 5xx,
 * timeouts and connection failures become {@link StoreUnavailableException} (with Retry-After when
 * S3 sent one); 403 is an {@link IOException} naming the bucket. Messages name the bucket and the
 * operation, never a key, a signature or a credential.
 */
final class S3Errors {
    /** Codes S3 (and compatible servers) send when asked to slow down or come back later. */
    private static final Set<String> TRANSIENT_CODES = Set.of("SlowDown", "Throttling", "ThrottlingException",
            "RequestLimitExceeded", "TooManyRequests", "RequestTimeout",
            "InternalError", "ServiceUnavailable");

    private final String bucket;

    S3Errors(String bucket) {
        this.bucket = bucket;
    }

    String bucket() {
        return bucket;
    }

    /** The store's exception for a failed {@code operation} (e.g. "PutObject"). */
    IOException map(String operation, SdkException e) {
        if (e instanceof AwsServiceException s) {
            return service(operation, s);
        }
        if (noCredentials(e)) {
            return new IOException("S3 " + operation + " on bucket '" + bucket + "': no AWS credentials found (the profile has"
                    + " no keys, and the default chain found none): " + safeMessage(e), e);
        }
        if (isTransient(e)) {
            return new StoreUnavailableException("S3 " + operation + " on bucket '" + bucket
                    + "' could not reach the service: " + rootCause(e), null, e);
        }
        return new IOException("S3 " + operation + " on bucket '" + bucket + "' failed: " + safeMessage(e), e);
    }

    private IOException service(String operation, AwsServiceException e) {
        int status = e.statusCode();
        String code = code(e);
        String what = "S3 " + operation + " on bucket '" + bucket + "'";
        if (status == 429 || status >= 500 || TRANSIENT_CODES.contains(code)) {
            Duration retryAfter = retryAfter(e).orElse(null);
            return new StoreUnavailableException(what + " was refused for now: HTTP " + status + " " + code
                    + (retryAfter != null ? ", retry after " + retryAfter.toSeconds() + "s" : ""), retryAfter, e);
        }
        if (status == 403) {
            return new IOException("access to S3 bucket '" + bucket + "' denied (" + code + ", HTTP 403 on " + operation
                    + "): check the profile's credentials and region, and the bucket policy", e);
        }
        if ("NoSuchBucket".equals(code)) {
            return new IOException("S3 bucket '" + bucket + "' does not exist (create it, or set conveyor.storage.s3.create-bucket=true)", e);
        }
        if (status == 301 || "PermanentRedirect".equals(code) || "AuthorizationHeaderMalformed".equals(code)) {
            return new IOException("S3 bucket '" + bucket + "' is in another region than the profile's ("
                    + code + ", HTTP " + status + "): set conveyor.profiles.<name>.aws.region", e);
        }
        return new IOException(what + " failed: HTTP " + status + " " + code, e);
    }

    /** The default chain found nothing: a configuration problem, even when the instance-role lookup failed on I/O. */
    private static boolean noCredentials(SdkException e) {
        return e instanceof SdkClientException && e.getMessage() != null
                && e.getMessage().startsWith("Unable to load credentials");
    }

    /** Throttling, 5xx, timeouts and I/O failures: worth trying again later. */
    static boolean isTransient(SdkException e) {
        if (noCredentials(e)) {
            return false;
        }
        if (e instanceof AwsServiceException s) {
            return s.statusCode() == 429 || s.statusCode() >= 500 || TRANSIENT_CODES.contains(code(s));
        }
        if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException) {
            return true;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException) {
                return true;
            }
        }
        return e instanceof SdkClientException && e.retryable();
    }

    static String code(AwsServiceException e) {
        AwsErrorDetails d = e.awsErrorDetails();
        String code = d == null ? null : d.errorCode();
        return code == null || code.isBlank() ? "(no error code)" : code;
    }

    static boolean hasStatus(SdkException e, int status) {
        return e instanceof AwsServiceException s && s.statusCode() == status;
    }

    /** Retry-After in seconds or as an HTTP date, when S3 (or a proxy in front of it) sent one. */
    static Optional<Duration> retryAfter(AwsServiceException e) {
        AwsErrorDetails d = e.awsErrorDetails();
        if (d == null || d.sdkHttpResponse() == null) {
            return Optional.empty();
        }
        return d.sdkHttpResponse().firstMatchingHeader("Retry-After").flatMap(S3Errors::parseRetryAfter);
    }

    static Optional<Duration> parseRetryAfter(String value) {
        String v = value.strip();
        try {
            return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(v))));
        } catch (NumberFormatException notSeconds) {
            try {
                Duration d = Duration.between(java.time.Instant.now(),
                        ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
                return Optional.of(d.isNegative() ? Duration.ZERO : d);
            } catch (DateTimeParseException neither) {
                return Optional.empty();
            }
        }
    }

    /** The innermost cause, by class and message (host and port at most: the SDK signs in headers, not URLs). */
    private static String rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String msg = root.getMessage();
        return root.getClass().getSimpleName() + (msg == null || msg.isBlank() ? "" : " (" + msg + ")");
    }

    /** The SDK's own message for client-side failures (credentials not found, bad configuration): no values in it. */
    private static String safeMessage(SdkException e) {
        String msg = e.getMessage();
        return msg == null ? e.getClass().getSimpleName() : msg;
    }
}
