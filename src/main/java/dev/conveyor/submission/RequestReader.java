package dev.conveyor.submission;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the bytes of a published request into a JSON object tree.
 *
 * <p>The bytes must be UTF-8 (a BOM is ignored). They are read as JSON when they parse as JSON, else
 * as YAML. YAML is read with the YAML 1.2 core scalar rules, so {@code on}, {@code yes} and
 * {@code 2026-11-21} stay strings and {@code 0123} is not an octal number; anchors, aliases and
 * {@code <<} merge keys work, with limits against "billion laughs" documents. Duplicate keys are an
 * error in both formats. Thread-safe.
 */
public final class RequestReader {

    /** Default maximum request size: 4 MiB. */
    public static final int DEFAULT_MAX_BYTES = 4 * 1024 * 1024;
    /** Default maximum nesting depth of objects and arrays. */
    public static final int DEFAULT_MAX_DEPTH = 64;
    /** Default maximum number of JSON values in a request (after YAML aliases are expanded). */
    public static final int DEFAULT_MAX_NODES = 1_000_000;
    private static final int MAX_YAML_ALIASES = 100;

    static final Pattern ID_PATTERN = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$");
    private static final Pattern YAML_TOP_LEVEL_ID = Pattern.compile(
            "^(?:id|\"id\"|'id')[ \\t]*:[ \\t]*(?:\"([^\"\\r\\n]*)\"|'([^'\\r\\n]*)'|([^\\s#'\"][^\\s#]*))[ \\t]*(?:#.*)?$",
            Pattern.MULTILINE);

    private final int maxBytes;
    private final int maxDepth;
    private final int maxNodes;
    private final ObjectMapper json;

    public RequestReader() {
        this(DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH, DEFAULT_MAX_NODES);
    }

    public RequestReader(int maxBytes, int maxDepth, int maxNodes) {
        this.maxBytes = maxBytes;
        this.maxDepth = maxDepth;
        this.maxNodes = maxNodes;
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(maxDepth)
                        .maxDocumentLength(maxBytes)
                        .maxStringLength(maxBytes)
                        .build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        this.json = new ObjectMapper(factory)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
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
            node = json.readTree(text);
        } catch (JsonProcessingException jsonError) {
            if (isLimitError(jsonError)) {
                throw new UnreadableRequestException("the request is too large or too deeply nested: "
                        + jsonError.getOriginalMessage(), jsonError);
            }
            try {
                node = readYaml(text);
            } catch (UnreadableRequestException yamlError) {
                throw yamlError;
            } catch (YAMLException yamlError) {
                String first = text.stripLeading();
                boolean looksLikeJson = first.startsWith("{") || first.startsWith("[");
                String reason = looksLikeJson ? describe(jsonError) : describe(yamlError);
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
            return id != null && id.isTextual() ? validId(id.asText()) : Optional.empty();
        } catch (UnreadableRequestException | RuntimeException e) {
            // fall through to scanning the text
        }
        int length = Math.min(bytes.length, maxBytes);
        String text = new String(bytes, 0, length, StandardCharsets.UTF_8);
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        String trimmed = text.stripLeading();
        if (trimmed.startsWith("{")) {
            return scanJsonTopLevelId(trimmed);
        }
        Matcher m = YAML_TOP_LEVEL_ID.matcher(text);
        while (m.find()) {
            String value = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
            Optional<String> id = validId(value);
            if (id.isPresent()) {
                return id;
            }
        }
        return Optional.empty();
    }

    // ---- JSON helpers -----------------------------------------------------------------------

    /** Finds {@code "id": "..."} at depth 1 of a (possibly broken) JSON object. */
    private static Optional<String> scanJsonTopLevelId(String text) {
        int depth = 0;
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (c == '"') {
                int end = endOfString(text, i);
                if (end < 0) {
                    return Optional.empty();
                }
                if (depth == 1 && text.substring(i + 1, end).equals("id")) {
                    int j = skipWhitespace(text, end + 1);
                    if (j < n && text.charAt(j) == ':') {
                        j = skipWhitespace(text, j + 1);
                        if (j < n && text.charAt(j) == '"') {
                            int valueEnd = endOfString(text, j);
                            if (valueEnd > j) {
                                Optional<String> id = validId(text.substring(j + 1, valueEnd));
                                if (id.isPresent()) {
                                    return id;
                                }
                            }
                        }
                    }
                }
                i = end + 1;
                continue;
            }
            if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                depth--;
            }
            i++;
        }
        return Optional.empty();
    }

    private static int endOfString(String text, int openingQuote) {
        for (int i = openingQuote + 1; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '"') {
                return i;
            } else if (c == '\n') {
                return -1;
            }
        }
        return -1;
    }

    private static int skipWhitespace(String text, int i) {
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }

    private static Optional<String> validId(String value) {
        return value != null && ID_PATTERN.matcher(value).matches() ? Optional.of(value) : Optional.empty();
    }

    private static boolean isLimitError(JsonProcessingException e) {
        String message = String.valueOf(e.getOriginalMessage());
        return message.contains("exceeds the maximum") || message.contains("exceeds maximum");
    }

    private static String describe(JsonProcessingException e) {
        String message = e.getOriginalMessage();
        if (e instanceof JsonParseException || e.getLocation() != null) {
            var loc = e.getLocation();
            if (loc != null && loc.getLineNr() > 0) {
                return message + " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")";
            }
        }
        return message;
    }

    private static String describe(YAMLException e) {
        if (e instanceof MarkedYAMLException marked) {
            StringBuilder sb = new StringBuilder();
            if (marked.getContext() != null) {
                sb.append(marked.getContext()).append(": ");
            }
            sb.append(marked.getProblem() != null ? marked.getProblem() : marked.getMessage());
            Mark mark = marked.getProblemMark() != null ? marked.getProblemMark() : marked.getContextMark();
            if (mark != null) {
                sb.append(" (line ").append(mark.getLine() + 1).append(", column ").append(mark.getColumn() + 1).append(')');
            }
            return sb.toString();
        }
        return e.getMessage();
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

    // ---- YAML -------------------------------------------------------------------------------

    private JsonNode readYaml(String text) throws UnreadableRequestException {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(MAX_YAML_ALIASES);
        options.setAllowRecursiveKeys(false);
        options.setNestingDepthLimit(maxDepth);
        options.setCodePointLimit(maxBytes);
        // only standard tags: no custom classes (SafeConstructor already refuses them)
        options.setTagInspector(tag -> false);
        DumperOptions dumper = new DumperOptions();
        Yaml yaml = new Yaml(new SafeConstructor(options), new Representer(dumper), dumper, options,
                new CoreSchemaResolver());
        Iterator<Object> documents = yaml.loadAll(text).iterator();
        Object first = documents.hasNext() ? documents.next() : null;
        while (documents.hasNext()) {
            if (documents.next() != null) {
                throw new UnreadableRequestException("the YAML contains several documents (separated by '---'); "
                        + "publish one request per message");
            }
        }
        if (first == null) {
            throw new UnreadableRequestException("the request is empty (a YAML document with no content)");
        }
        int[] budget = {maxNodes};
        return toJson(first, budget, 0);
    }

    private JsonNode toJson(Object value, int[] budget, int depth) throws UnreadableRequestException {
        if (--budget[0] < 0) {
            throw new UnreadableRequestException("the request is too large: more than " + maxNodes
                    + " values (are YAML aliases repeating big parts?)");
        }
        if (depth > maxDepth) {
            throw new UnreadableRequestException("the request is nested too deeply (more than " + maxDepth + " levels)");
        }
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (value == null) {
            return f.nullNode();
        } else if (value instanceof String s) {
            return f.textNode(s);
        } else if (value instanceof Boolean b) {
            return f.booleanNode(b);
        } else if (value instanceof Integer i) {
            return f.numberNode(i);
        } else if (value instanceof Long l) {
            return f.numberNode(l);
        } else if (value instanceof BigInteger bi) {
            return f.numberNode(bi);
        } else if (value instanceof Double d) {
            if (d.isNaN() || d.isInfinite()) {
                throw new UnreadableRequestException("the YAML contains " + d + ", which JSON cannot represent");
            }
            return f.numberNode(BigDecimal.valueOf(d));
        } else if (value instanceof Number number) {
            return f.numberNode(new BigDecimal(number.toString()));
        } else if (value instanceof byte[] binary) {
            return f.textNode(Base64.getEncoder().encodeToString(binary));
        } else if (value instanceof Date date) {
            return f.textNode(date.toInstant().toString());
        } else if (value instanceof Map<?, ?> map) {
            ObjectNode object = f.objectNode();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                object.set(String.valueOf(e.getKey()), toJson(e.getValue(), budget, depth + 1));
            }
            return object;
        } else if (value instanceof Collection<?> collection) {
            ArrayNode array = f.arrayNode();
            for (Object item : collection) {
                array.add(toJson(item, budget, depth + 1));
            }
            return array;
        } else if (value instanceof Object[] items) {
            ArrayNode array = f.arrayNode();
            for (Object item : items) {
                array.add(toJson(item, budget, depth + 1));
            }
            return array;
        }
        return f.textNode(String.valueOf(value));
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

    /**
     * YAML 1.2 core schema scalars: only true/false are booleans, only null/~/empty is null, integers
     * have no leading zeros (so {@code 0123} stays a string), no timestamps.
     */
    private static final class CoreSchemaResolver extends Resolver {
        @Override
        protected void addImplicitResolvers() {
            addImplicitResolver(Tag.BOOL, Pattern.compile("^(?:true|True|TRUE|false|False|FALSE)$"), "tTfF");
            addImplicitResolver(Tag.INT, Pattern.compile("^(?:[-+]?(?:0|[1-9][0-9]*))$"), "-+0123456789");
            addImplicitResolver(Tag.FLOAT, Pattern.compile(
                    "^(?:[-+]?(?:0|[1-9][0-9]*)(?:\\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)$"), "-+0123456789");
            addImplicitResolver(Tag.MERGE, Pattern.compile("^(?:<<)$"), "<");
            addImplicitResolver(Tag.NULL, Pattern.compile("^(?:~|null|Null|NULL| *)$"), "~nN\0");
            addImplicitResolver(Tag.NULL, Pattern.compile("^$"), null);
        }
    }
}
