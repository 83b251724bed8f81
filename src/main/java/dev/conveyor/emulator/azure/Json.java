package dev.conveyor.emulator.azure;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** JSON, time and ETag helpers shared by the handlers. */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();
    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSS'Z'")
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter RFC1123 = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC)
            .withLocale(Locale.US);
    private static final AtomicLong ETAG_CLOCK = new AtomicLong();

    private Json() {
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static ArrayNode array() {
        return MAPPER.createArrayNode();
    }

    static String iso(Instant t) {
        return ISO.format(t);
    }

    static String now() {
        return iso(Instant.now());
    }

    static String rfc1123(Instant t) {
        return RFC1123.format(t);
    }

    static Instant parseIso(String s) {
        return Instant.parse(s);
    }

    /** A fresh ETag in the service's style: 0x followed by a FILETIME-like hex number. */
    static String newETag() {
        long fileTime = (System.currentTimeMillis() + 11644473600000L) * 10_000L;
        long next = ETAG_CLOCK.updateAndGet(prev -> Math.max(prev + 1, fileTime));
        return "0x" + Long.toHexString(next).toUpperCase(Locale.ROOT);
    }

    static ObjectNode parseObject(byte[] body) {
        if (body.length == 0) throw BatchException.invalidBody("The request body is empty.");
        try {
            JsonNode node = MAPPER.readTree(body);
            if (node == null || !node.isObject()) throw BatchException.invalidBody("The request body is not a JSON object.");
            return (ObjectNode) node;
        } catch (JsonProcessingException e) {
            throw BatchException.invalidBody(e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw BatchException.invalidBody(e.getMessage());
        }
    }

    static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static ObjectNode error(String endpoint, String code, String message, Map<String, String> values) {
        ObjectNode err = object();
        err.put("odata.metadata", endpoint + "/$metadata#Microsoft.Azure.Batch.Protocol.Entities.Container.errors/@Element");
        err.put("code", code);
        ObjectNode msg = err.putObject("message");
        msg.put("lang", "en-US");
        msg.put("value", message);
        if (!values.isEmpty()) {
            ArrayNode arr = err.putArray("values");
            values.forEach((k, v) -> arr.addObject().put("key", k).put("value", v));
        }
        return err;
    }

    static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
