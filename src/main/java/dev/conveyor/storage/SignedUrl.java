package dev.conveyor.storage;

import java.net.URI;
import java.time.Instant;
import java.util.Map;

/**
 * A URL that grants access by itself until {@code expiresAt}, with the headers a client must send
 * with it (Azure Blob: {@code x-ms-blob-type: BlockBlob} on PUT). Its query string is a credential:
 * it goes to a task, never into a message, a result or a log ({@link #toString()} hides it).
 */
public record SignedUrl(URI url, Map<String, String> headers, Instant expiresAt) {
    public SignedUrl {
        headers = Map.copyOf(headers);
    }

    /** The URL without its query (the signature): safe to log. */
    public String redacted() {
        String s = url.toString();
        int q = s.indexOf('?');
        return q < 0 ? s : s.substring(0, q) + "?…";
    }

    @Override
    public String toString() {
        return "SignedUrl[" + redacted() + ", expires " + expiresAt + "]";
    }
}
