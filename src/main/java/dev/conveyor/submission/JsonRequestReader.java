package dev.conveyor.submission;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads request text as strict JSON: duplicate keys and trailing tokens are errors, floats become
 * {@link java.math.BigDecimal}s, and size and nesting are limited. Thread-safe.
 */
final class JsonRequestReader {

    private final ObjectMapper json;

    JsonRequestReader(int maxBytes, int maxDepth) {
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

    JsonNode read(String text) throws JsonProcessingException {
        return json.readTree(text);
    }

    /** Whether the error is a size or nesting limit rather than a syntax error. */
    static boolean isLimitError(JsonProcessingException e) {
        String message = String.valueOf(e.getOriginalMessage());
        return message.contains("exceeds the maximum") || message.contains("exceeds maximum");
    }

    /** The error's message with its line and column, when known. */
    static String describe(JsonProcessingException e) {
        String message = e.getOriginalMessage();
        if (e instanceof JsonParseException || e.getLocation() != null) {
            var loc = e.getLocation();
            if (loc != null && loc.getLineNr() > 0) {
                return message + " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")";
            }
        }
        return message;
    }
}
