package dev.conveyor.emulator.azure;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** What a handler answers: status, headers and a body (bytes, or a file streamed from disk). */
final class BatchResponse {
    static final String JSON_TYPE = "application/json;odata=minimalmetadata";

    final int status;
    final Map<String, String> headers = new LinkedHashMap<>();
    byte[] body = new byte[0];
    Path file;
    /** Content-Length to announce for a HEAD answer that has no body. */
    long headLength = -1;

    BatchResponse(int status) {
        this.status = status;
    }

    static BatchResponse status(int status) {
        return new BatchResponse(status);
    }

    static BatchResponse json(int status, JsonNode node) {
        BatchResponse r = new BatchResponse(status);
        r.body = Json.bytes(node);
        r.headers.put("Content-Type", JSON_TYPE);
        return r;
    }

    static BatchResponse text(int status, String text) {
        BatchResponse r = new BatchResponse(status);
        r.body = text.getBytes(StandardCharsets.UTF_8);
        r.headers.put("Content-Type", "application/json; charset=utf-8");
        return r;
    }

    BatchResponse header(String name, String value) {
        if (value != null) headers.put(name, value);
        return this;
    }

    /** ETag, Last-Modified, DataServiceId and Location of a created or changed entity. */
    BatchResponse entityHeaders(JsonNode entity) {
        header("ETag", Json.text(entity, "eTag"));
        String lastModified = Json.text(entity, "lastModified");
        if (lastModified != null) header("Last-Modified", Json.rfc1123(Json.parseIso(lastModified)));
        String url = Json.text(entity, "url");
        header("DataServiceId", url);
        return this;
    }
}
