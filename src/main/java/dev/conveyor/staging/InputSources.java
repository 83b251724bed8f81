package dev.conveyor.staging;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Opens an input's {@code source} as a stream. {@code http(s):} is downloaded; {@code file:} is
 * read only inside the folders the service allows, so a request cannot read the service's files.
 */
public final class InputSources {
    private final List<Path> allowedFileRoots;
    private final HttpClient http = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NORMAL)
            .connectTimeout(Duration.ofSeconds(20))
            .build();

    public InputSources(List<Path> allowedFileRoots) {
        this.allowedFileRoots = allowedFileRoots.stream().map(p -> p.toAbsolutePath().normalize()).toList();
    }

    public InputStream open(String source) throws StagingException {
        URI uri;
        try {
            uri = URI.create(source);
        } catch (IllegalArgumentException e) {
            throw new StagingException("input source '" + source + "' is not a URI");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
        return switch (scheme) {
            case "file" -> openFile(uri);
            case "http", "https" -> openHttp(uri);
            default -> throw new StagingException("input source '" + source + "' has unsupported scheme '" + scheme
                    + "' (supported: file, http, https)");
        };
    }

    private InputStream openFile(URI uri) throws StagingException {
        Path path = uri.getPath() == null ? null : Path.of(uri.getPath()).toAbsolutePath().normalize();
        if (path == null || allowedFileRoots.stream().noneMatch(path::startsWith)) {
            throw new StagingException("input source '" + uri + "' is outside the folders this service may read"
                    + (allowedFileRoots.isEmpty() ? " (file: sources are disabled; set conveyor.storage.allowed-file-roots)"
                    : " " + allowedFileRoots));
        }
        try {
            return Files.newInputStream(path);
        } catch (IOException e) {
            throw new StagingException("cannot read input source '" + uri + "': " + e.getMessage(), e);
        }
    }

    private InputStream openHttp(URI uri) throws StagingException {
        try {
            HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(uri).GET()
                    .timeout(Duration.ofMinutes(5)).build(), HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() / 100 != 2) {
                response.body().close();
                throw new StagingException("input source '" + uri + "' answered HTTP " + response.statusCode());
            }
            return response.body();
        } catch (IOException e) {
            throw new StagingException("cannot download input source '" + uri + "': " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StagingException("interrupted while downloading '" + uri + "'", e);
        }
    }
}
