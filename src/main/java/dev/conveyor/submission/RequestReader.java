package dev.conveyor.submission;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.yaml.snakeyaml.error.YAMLException;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Turns the bytes of a published request into a JSON object tree.
 *
 * <p>The bytes must be UTF-8 (a BOM is ignored). They are read as JSON when they parse as JSON, else
 * as YAML. YAML is read with the YAML 1.2 core scalar rules, so {@code on}, {@code yes} and
 * {@code 2026-11-21} stay strings and {@code 0123} is not an octal number; anchors, aliases and
 * {@code <<} merge keys work, with limits against "billion laughs" documents. Duplicate keys are an
 * error in both formats. Thread-safe.
 *
 * <p>The JSON and YAML parsing live in {@link JsonRequestReader} and {@link YamlRequestReader}; id
 * recovery from unreadable text in {@link RequestIds}.
 */
public final class RequestReader {

    /** Default maximum request size: 4 MiB. */
    public static final int DEFAULT_MAX_BYTES = 4 * 1024 * 1024;
    /** Default maximum nesting depth of objects and arrays. */
    public static final int DEFAULT_MAX_DEPTH = 64;
    /** Default maximum number of JSON values in a request (after YAML aliases are expanded). */
    public static final int DEFAULT_MAX_NODES = 1_000_000;

    static final Pattern ID_PATTERN = RequestIds.ID_PATTERN;

    private final int maxBytes;
    private final JsonRequestReader json;
    private final YamlRequestReader yaml;

    public RequestReader() {
        this(DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH, DEFAULT_MAX_NODES);
    }

    public RequestReader(int maxBytes, int maxDepth, int maxNodes) {
        this.maxBytes = maxBytes;
        this.json = new JsonRequestReader(maxBytes, maxDepth);
        this.yaml = new YamlRequestReader(maxBytes, maxDepth, maxNodes);
    }

    /**
     * Reads a request.
     *
     * @return the request as a JSON object (never null)
     * @throws UnreadableRequestException with a reason for the user when the bytes are not a JSON or
     *                                    YAML object
     */
    public ObjectNode read(byte[] bytes) throws UnreadableRequestException {
        if (bytes == null || bytes.length == 0) {
            throw new UnreadableRequestException("the request is empty");
        }
        if (bytes.length > maxBytes) {
            throw new UnreadableRequestException("the request is too large: " + bytes.length
                    + " bytes, at most " + maxBytes + " are accepted");
        }
        String text = decodeUtf8(bytes);
        if (text.isBlank()) {
            throw new UnreadableRequestException("the request is empty (only whitespace)");
        }
        JsonNode node;
        try {
            node = json.read(text);
        } catch (JsonProcessingException jsonError) {
            if (JsonRequestReader.isLimitError(jsonError)) {
                throw new UnreadableRequestException("the request is too large or too deeply nested: "
                        + jsonError.getOriginalMessage(), jsonError);
            }
            try {
                node = yaml.read(text);
            } catch (UnreadableRequestException yamlError) {
                throw yamlError;
            } catch (YAMLException yamlError) {
                String first = text.stripLeading();
                boolean looksLikeJson = first.startsWith("{") || first.startsWith("[");
                String reason = looksLikeJson
                        ? JsonRequestReader.describe(jsonError)
                        : YamlRequestReader.describe(yamlError);
                throw new UnreadableRequestException("not JSON or YAML: " + reason, jsonError);
            } catch (RuntimeException yamlError) {
                throw new UnreadableRequestException("not JSON or YAML: " + yamlError.getMessage(), yamlError);
            }
        }
        if (node == null || node.isMissingNode()) {
            throw new UnreadableRequestException("the request is empty");
        }
        if (!node.isObject()) {
            throw new UnreadableRequestException("a request must be an object (a map of properties such as "
                    + "'tasks'), got " + article(kind(node)));
        }
        return (ObjectNode) node;
    }

    /**
     * Best effort to find the {@code id} of a request, including one {@link #read} rejects (e.g. broken
     * JSON that still contains {@code "id": "abc"} at its top level, or YAML with a top-level
     * {@code id: abc} line), so the rejection can be reported under that id. Returns a value only if
     * it matches the id pattern {@code ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$}.
     */
    public Optional<String> recoverId(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            return Optional.empty();
        }
        try {
            JsonNode id = read(bytes).get("id");
            return id != null && id.isTextual() ? RequestIds.validId(id.asText()) : Optional.empty();
        } catch (UnreadableRequestException | RuntimeException e) {
            // fall through to scanning the text
        }
        return RequestIds.scan(bytes, maxBytes);
    }

    private String decodeUtf8(byte[] bytes) throws UnreadableRequestException {
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
            return text.startsWith("\uFEFF") ? text.substring(1) : text;
        } catch (MalformedInputException e) {
            throw new UnreadableRequestException("the request is not valid UTF-8 text (binary data?)", e);
        } catch (CharacterCodingException e) {
            throw new UnreadableRequestException("the request is not valid UTF-8 text: " + e.getMessage(), e);
        }
    }

    private static String kind(JsonNode node) {
        if (node.isTextual()) {
            return "string";
        } else if (node.isArray()) {
            return "array (list)";
        } else if (node.isNumber()) {
            return "number";
        } else if (node.isBoolean()) {
            return "boolean";
        } else if (node.isNull()) {
            return "null";
        }
        return node.getNodeType().name().toLowerCase();
    }

    private static String article(String kind) {
        return (kind.startsWith("a") ? "an " : "a ") + kind;
    }
}
