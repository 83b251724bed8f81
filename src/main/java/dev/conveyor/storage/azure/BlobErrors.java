package dev.conveyor.storage.azure;

import com.azure.core.exception.ClientAuthenticationException;
import com.azure.core.exception.HttpResponseException;
import com.azure.core.http.HttpHeaders;
import com.azure.core.http.HttpResponse;
import com.azure.storage.blob.models.BlobStorageException;
import dev.conveyor.storage.StoreUnavailableException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * Turns what the Azure SDK throws into the store's typed errors: 408/429/5xx, timeouts and
 * connection failures into {@link StoreUnavailableException} (with the service's Retry-After), 401/403
 * into an {@link IOException} naming the account and what to check, anything else into an
 * {@link IOException} with the status and Azure's error code.
 *
 * <p>Messages are built here, never copied from the SDK: Azure's error bodies can quote the
 * request's signature and string-to-sign (AuthenticationFailed), and an SDK message can carry a URL.
 * So no SDK exception with a service response is attached as a cause either; network causes
 * (connection refused, timeouts) are, as they hold no secret.
 */
final class BlobErrors {
    private final String account;

    BlobErrors(String account) {
        this.account = account;
    }

    static int status(RuntimeException e) {
        return e instanceof HttpResponseException h && h.getResponse() != null ? h.getResponse().getStatusCode() : -1;
    }

    /** Azure's error code ({@code BlobNotFound}, {@code ContainerNotFound}, …), or null. */
    static String code(RuntimeException e) {
        if (e instanceof BlobStorageException b && b.getErrorCode() != null) {
            return b.getErrorCode().toString();
        }
        if (e instanceof HttpResponseException h && h.getResponse() != null) {
            return h.getResponse().getHeaderValue("x-ms-error-code");
        }
        return null;
    }

    static boolean isContainerMissing(RuntimeException e) {
        return status(e) == 404 && "ContainerNotFound".equals(code(e));
    }

    /**
     * The typed failure of {@code what} (e.g. "put jobs/x/spec.json"). Unknown exceptions without a
     * network cause are returned as a plain {@link IOException} naming only their type.
     */
    IOException map(Throwable e, String what) {
        HttpResponseException response = responseIn(e);
        if (response instanceof ClientAuthenticationException && !(response instanceof BlobStorageException)) {
            return new IOException("cannot get an Entra ID token for storage account '" + account + "' to " + what
                    + " (check tenant-id, client-id and client-secret, or the host's managed identity): "
                    + firstLine(response.getMessage()));
        }
        int status = response == null ? -1 : status(response);
        if (status > 0) {
            return mapStatus(status, code(response), response.getResponse(), what);
        }
        Throwable network = networkCause(e);
        if (network != null) {
            return new StoreUnavailableException("cannot reach Azure Blob account '" + account + "' to " + what + ": "
                    + network.getClass().getSimpleName() + (network.getMessage() == null ? "" : " " + network.getMessage()),
                    null, network);
        }
        return new IOException("Azure Blob account '" + account + "' failed to " + what + ": " + e.getClass().getName());
    }

    /** Entra ID's own reason (AADSTS code and text: no secret), one line, bounded, any SAS signature cut. */
    static String firstLine(String message) {
        if (message == null) {
            return "no reason given";
        }
        String line = message.lines().findFirst().orElse("").replaceAll("(?i)sig=[^&\\s]*", "sig=…");
        return line.length() > 300 ? line.substring(0, 300) + "…" : line;
    }

    /** The service's answer somewhere in the cause chain (the SDK's streams wrap it in an IOException). */
    private static HttpResponseException responseIn(Throwable e) {
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof HttpResponseException h) {
                return h;
            }
        }
        return null;
    }

    private IOException mapStatus(int status, String code, HttpResponse response, String what) {
        String head = "Azure Blob account '" + account + "' answered " + status + (code == null ? "" : " " + code)
                + " to " + what;
        if (status == 401 || status == 403) {
            return new IOException(head + ": the credential was refused or lacks permission (check the account key, or"
                    + " that the identity holds 'Storage Blob Data Contributor' on the account)");
        }
        if (status == 408 || status == 429 || status >= 500 || "ContainerBeingDeleted".equals(code)) {
            Duration retryAfter = response == null ? null : retryAfter(response.getHeaders()).orElse(null);
            return new StoreUnavailableException(head + (retryAfter == null ? "" : " (retry after " + retryAfter + ")"),
                    retryAfter, null);
        }
        return new IOException(head);
    }

    /** The wait a response asks for: {@code x-ms-retry-after-ms}, {@code retry-after-ms}, or {@code Retry-After} (seconds or a date). */
    static Optional<Duration> retryAfter(HttpHeaders headers) {
        for (String ms : new String[] {"x-ms-retry-after-ms", "retry-after-ms"}) {
            String v = headers.getValue(ms);
            if (v != null) {
                try {
                    return Optional.of(Duration.ofMillis(Long.parseLong(v.trim())));
                } catch (NumberFormatException ignored) {
                    // fall through to the next header
                }
            }
        }
        String v = headers.getValue("Retry-After");
        if (v == null || v.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Duration.ofSeconds(Long.parseLong(v.trim())));
        } catch (NumberFormatException notSeconds) {
            try {
                Duration d = Duration.between(ZonedDateTime.now(), ZonedDateTime.parse(v.trim(), DateTimeFormatter.RFC_1123_DATE_TIME));
                return Optional.of(d.isNegative() ? Duration.ZERO : d);
            } catch (RuntimeException notADate) {
                return Optional.empty();
            }
        }
    }

    /** A connection failure or timeout somewhere in the cause chain (the SDK wraps them in runtime exceptions). */
    static Throwable networkCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UncheckedIOException u) {
                return u.getCause();
            }
            if (t instanceof IOException || t instanceof TimeoutException) {
                return t;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }
}
