package dev.conveyor.submission;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Best-effort recovery of the top-level {@code id} of a request from its raw text, used when the
 * request itself cannot be read, so the rejection can still be reported under that id.
 */
final class RequestIds {

    static final Pattern ID_PATTERN = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$");
    private static final Pattern YAML_TOP_LEVEL_ID = Pattern.compile(
            "^(?:id|\"id\"|'id')[ \\t]*:[ \\t]*(?:\"([^\"\\r\\n]*)\"|'([^'\\r\\n]*)'|([^\\s#'\"][^\\s#]*))[ \\t]*(?:#.*)?$",
            Pattern.MULTILINE);

    private RequestIds() {
    }

    /**
     * Scans the first {@code maxBytes} bytes of a request for a top-level id: a JSON object's
     * {@code "id": "..."} member, or a YAML {@code id: ...} line.
     */
    static Optional<String> scan(byte[] bytes, int maxBytes) {
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

    /** The value if it matches {@link #ID_PATTERN}, else empty. */
    static Optional<String> validId(String value) {
        return value != null && ID_PATTERN.matcher(value).matches() ? Optional.of(value) : Optional.empty();
    }

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
}
