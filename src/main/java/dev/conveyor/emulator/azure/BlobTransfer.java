package dev.conveyor.emulator.azure;

import dev.conveyor.emulator.IdempotentHttp;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Blob REST calls against SAS URLs (Azure Storage or Azurite): Get Blob, List Blobs and Put Blob. */
final class BlobTransfer {
    static final String STORAGE_VERSION = "2021-08-06";
    private static final Pattern NAME = Pattern.compile("<Blob>.*?<Name>(.*?)</Name>", Pattern.DOTALL);
    private static final Pattern NEXT_MARKER = Pattern.compile("<NextMarker>(.*?)</NextMarker>", Pattern.DOTALL);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NORMAL).build();

    /** Downloads any http(s) URL (a blob with or without SAS) to {@code target}. */
    void download(String url, Path target) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).GET()
                .header("x-ms-version", STORAGE_VERSION).timeout(Duration.ofMinutes(5)).build();
        HttpResponse<InputStream> resp = send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = resp.body()) {
            if (resp.statusCode() / 100 != 2) {
                throw new IOException("GET " + redact(url) + " answered " + resp.statusCode() + ": "
                        + new String(in.readNBytes(2000), StandardCharsets.UTF_8));
            }
            Files.createDirectories(target.toAbsolutePath().getParent());
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The names of all blobs in the container of {@code containerUrl} that start with {@code prefix}. */
    List<String> list(String containerUrl, String prefix) throws IOException {
        List<String> names = new ArrayList<>();
        String marker = null;
        do {
            StringBuilder url = new StringBuilder(containerUrl).append(containerUrl.contains("?") ? '&' : '?')
                    .append("restype=container&comp=list");
            if (prefix != null && !prefix.isEmpty()) url.append("&prefix=").append(encode(prefix));
            if (marker != null) url.append("&marker=").append(encode(marker));
            HttpRequest request = HttpRequest.newBuilder(URI.create(url.toString())).GET()
                    .header("x-ms-version", STORAGE_VERSION).timeout(Duration.ofMinutes(1)).build();
            HttpResponse<String> resp = send(request, HttpResponse.BodyHandlers.ofString());
            if (resp.statusCode() != 200) {
                throw new IOException("List Blobs on " + redact(containerUrl) + " answered " + resp.statusCode()
                        + ": " + resp.body());
            }
            Matcher m = NAME.matcher(resp.body());
            while (m.find()) names.add(unescapeXml(m.group(1)));
            Matcher next = NEXT_MARKER.matcher(resp.body());
            marker = next.find() && !next.group(1).isBlank() ? unescapeXml(next.group(1)) : null;
        } while (marker != null);
        return names;
    }

    /** Uploads {@code file} as block blob {@code blobName} of the container of {@code containerUrl}. */
    void upload(String containerUrl, String blobName, Path file, Map<String, String> headers) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(blobUrl(containerUrl, blobName)))
                .PUT(HttpRequest.BodyPublishers.ofFile(file))
                .header("x-ms-version", STORAGE_VERSION)
                .header("x-ms-blob-type", "BlockBlob")
                .timeout(Duration.ofMinutes(5));
        boolean typed = false;
        for (Map.Entry<String, String> h : headers.entrySet()) {
            b.header(h.getKey(), h.getValue());
            typed |= h.getKey().equalsIgnoreCase("Content-Type") || h.getKey().equalsIgnoreCase("x-ms-blob-content-type");
        }
        if (!typed) b.header("Content-Type", "application/octet-stream");
        HttpResponse<String> resp = send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (resp.statusCode() != 201) {
            throw new IOException("Put Blob " + blobName + " answered " + resp.statusCode() + ": " + resp.body());
        }
    }

    /** The URL of blob {@code blobName} in the container of {@code containerUrl}, keeping its SAS query. */
    static String blobUrl(String containerUrl, String blobName) {
        int q = containerUrl.indexOf('?');
        String base = q < 0 ? containerUrl : containerUrl.substring(0, q);
        String query = q < 0 ? "" : containerUrl.substring(q);
        StringBuilder path = new StringBuilder();
        for (String segment : blobName.split("/")) {
            if (path.length() > 0) path.append('/');
            path.append(encode(segment));
        }
        return base.replaceAll("/+$", "") + "/" + path + query;
    }

    private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) throws IOException {
        return IdempotentHttp.send(http, request, handler); // these calls are idempotent: Get Blob, List Blobs, Put Blob of a file
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String redact(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q) + "?<sas>";
    }

    private static String unescapeXml(String s) {
        return s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'")
                .replace("&amp;", "&");
    }
}
