package dev.conveyor.staging;

import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Opens an input's {@code source} as a stream, refusing whatever lies outside what the service
 * allows: a {@code file:} source is read only inside the allowed folders, checked on its real path
 * and opened without following links ({@link FileSources}); an {@code http(s):} source is fetched
 * only from public addresses or allow-listed hosts, on every redirect hop ({@link HttpSources},
 * {@link AddressPolicy}). Every refusal names the source and why. Thread-safe.
 */
public final class InputSources {
    private final FileSources files;
    private final HttpSources web;

    /** Only public http(s) hosts; {@code file:} sources inside {@code allowedFileRoots}. */
    public InputSources(List<Path> allowedFileRoots) {
        this(allowedFileRoots, List.of());
    }

    /**
     * @param allowedFileRoots folders {@code file:} sources may be read from
     *                         ({@code conveyor.storage.allowed-file-roots})
     * @param allowedHttpHosts host names or CIDRs that http(s) sources may reach although they are
     *                         internal addresses ({@code conveyor.staging.allowed-http-hosts})
     * @throws IllegalArgumentException for an allow-list entry that is neither a host name nor a CIDR
     */
    public InputSources(List<Path> allowedFileRoots, List<String> allowedHttpHosts) {
        this(allowedFileRoots, allowedHttpHosts, DEFAULT_READ_TIMEOUT);
    }

    /** The default of {@code conveyor.staging.read-timeout}. */
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(60);

    /**
     * @param readTimeout how long an http(s) source may take to answer, and then to send more of its body
     *                    ({@code conveyor.staging.read-timeout}): a source silent for longer has broken off
     */
    public InputSources(List<Path> allowedFileRoots, List<String> allowedHttpHosts, Duration readTimeout) {
        this.files = new FileSources(allowedFileRoots);
        this.web = new HttpSources(new AddressPolicy(allowedHttpHosts), readTimeout);
    }

    public InputStream open(String source) throws StagingException {
        URI uri;
        try {
            uri = new URI(source);
        } catch (URISyntaxException e) {
            throw new StagingException("input source '" + source + "' is not a URI: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        return switch (scheme) {
            case "file" -> files.open(uri, source);
            case "http", "https" -> web.open(uri, source);
            default -> throw new StagingException("input source '" + source + "' has unsupported scheme '" + scheme
                    + "' (supported: file, http, https)");
        };
    }
}
