package dev.conveyor.storage;

import java.net.URI;
import java.time.Instant;

/**
 * Access to every object under one key prefix, in the form batch services take natively: a
 * container URL carrying its credential (an Azure container SAS) and the path of the prefix inside
 * it. An object with key {@code prefix + rest} is at {@code containerUrl}'s container, path
 * {@code path + rest}. Like {@link SignedUrl}, the URL is a credential: never logged or published.
 */
public record PrefixGrant(URI containerUrl, String path, Access access, Instant expiresAt) {
    public enum Access { READ, WRITE }

    @Override
    public String toString() {
        String s = containerUrl.toString();
        int q = s.indexOf('?');
        return "PrefixGrant[" + (q < 0 ? s : s.substring(0, q) + "?…") + " " + path + " " + access + ", expires " + expiresAt + "]";
    }
}
