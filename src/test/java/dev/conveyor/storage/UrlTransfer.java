package dev.conveyor.storage;

import dev.conveyor.emulator.IdempotentHttp;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * What a task does with a signed URL, done from a test: GET (optionally a byte range) or PUT over
 * HTTP, or a plain file copy for {@code file:} URLs. Answers the HTTP status (200/201/206 = ok).
 */
public final class UrlTransfer {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    public record Response(int status, byte[] body) {
        public boolean ok() {
            return status / 100 == 2;
        }
    }

    private UrlTransfer() {
    }

    public static Response get(SignedUrl url) throws IOException {
        return get(url.url(), Map.of(), null);
    }

    /** GET bytes {@code from}..{@code to} (inclusive) with an HTTP Range header. */
    public static Response getRange(SignedUrl url, long from, long to) throws IOException {
        return get(url.url(), Map.of(), "bytes=" + from + "-" + to);
    }

    private static Response get(URI uri, Map<String, String> headers, String range) throws IOException {
        if ("file".equals(uri.getScheme())) {
            Path p = Path.of(uri);
            if (!Files.isRegularFile(p)) {
                return new Response(404, new byte[0]);
            }
            byte[] all = Files.readAllBytes(p);
            if (range != null) {
                String[] r = range.substring("bytes=".length()).split("-");
                int from = Integer.parseInt(r[0]);
                int to = Math.min(all.length - 1, Integer.parseInt(r[1]));
                return new Response(206, java.util.Arrays.copyOfRange(all, from, to + 1));
            }
            return new Response(200, all);
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).GET().timeout(Duration.ofSeconds(30));
        headers.forEach(b::header);
        if (range != null) {
            b.header("Range", range);
        }
        return send(b.build());
    }

    public static Response put(SignedUrl url, byte[] body) throws IOException {
        URI uri = url.url();
        if ("file".equals(uri.getScheme())) {
            Path p = Path.of(uri);
            Files.createDirectories(p.getParent());
            Files.write(p, body);
            return new Response(201, new byte[0]);
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).PUT(HttpRequest.BodyPublishers.ofByteArray(body))
                .timeout(Duration.ofSeconds(30));
        url.headers().forEach(b::header);
        return send(b.build());
    }

    /** Every request here (GET, a PUT of the same bytes) is idempotent: sent again once if the first try fails in transport. */
    private static Response send(HttpRequest request) throws IOException {
        HttpResponse<byte[]> r = IdempotentHttp.send(HTTP, request, HttpResponse.BodyHandlers.ofByteArray());
        return new Response(r.statusCode(), r.body());
    }
}
