package dev.conveyor.submission;

import com.fasterxml.jackson.databind.JsonNode;
import dev.conveyor.model.Problem;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Finds the values of a document that nothing downstream can carry, in one walk over the whole tree
 * (every string, every property name, every number), so that they are REJECTED at submission with
 * their path instead of failing obscurely later:
 * <ul>
 *   <li>a NUL character: environment variables, command lines, file names and paths are C strings,
 *       so no process can receive one (an env value {@code "v\u0000w"} made the local task end
 *       "lost");</li>
 *   <li>an unpaired UTF-16 surrogate ({@code "\ud800"} is valid JSON escape syntax, but not Unicode
 *       text): it cannot be encoded as UTF-8, so it would be mangled in every record and file;</li>
 *   <li>a number beyond a 64-bit float (±1.8e308, or so small that it is indistinguishable from
 *       zero): {@code 1e999999} parses as a decimal, but no consumer of JSON can use it (RFC 8259
 *       §6), and reading it as an int silently wraps or clamps.</li>
 * </ul>
 * Fields that hold less than a float (an {@code int} param, {@code maxParallel}) are bounded where
 * they are checked ({@link Params}, the schema). {@link #printable} makes any text safe to publish
 * in a problem, whatever another rule echoed from the request.
 */
final class UnsafeValues {

    static final String NUL = "contains a NUL character, which no process can receive";
    private static final BigDecimal MAX = new BigDecimal(Double.MAX_VALUE);
    private static final BigDecimal MIN = new BigDecimal(Double.MIN_VALUE);

    private UnsafeValues() {
    }

    /** Every unusable value of {@code document}, in document order; paths are {@link #printable}. */
    static List<Problem> find(JsonNode document) {
        List<Problem> problems = new ArrayList<>();
        if (document != null) {
            walk(document, JsonPaths.ROOT, problems);
        }
        return problems;
    }

    private static void walk(JsonNode node, String path, List<Problem> problems) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                String name = field.getKey();
                String at = JsonPaths.property(path, name);
                String problem = problemWith(name);
                if (problem != null) {
                    problems.add(new Problem(printable(at), "its name " + problem));
                } else {
                    walk(field.getValue(), at, problems);
                }
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walk(node.get(i), JsonPaths.index(path, i), problems);
            }
        } else if (node.isTextual()) {
            String problem = problemWith(node.textValue());
            if (problem != null) {
                problems.add(new Problem(path, problem));
            }
        } else if (node.isNumber()) {
            String problem = problemWithNumber(node);
            if (problem != null) {
                problems.add(new Problem(path, problem));
            }
        }
    }

    /** Why {@code text} cannot be used, or null. */
    static String problemWith(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\0') {
                return NUL;
            }
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return "contains an unpaired UTF-16 surrogate (" + escape(c) + " at character " + (i + 1)
                        + "), which is not Unicode text and cannot be written as UTF-8";
            }
        }
        return null;
    }

    private static String problemWithNumber(JsonNode number) {
        if ((number.isDouble() || number.isFloat()) && !Double.isFinite(number.doubleValue())) {
            return number.asText() + " is not a finite number";
        }
        BigDecimal magnitude = number.decimalValue().abs();
        if (magnitude.compareTo(MAX) > 0) {
            return shortText(number) + " is beyond the range of a 64-bit float (about ±1.8e308), the largest numbers "
                    + "JSON tools exchange reliably; no field of a request holds such a number";
        }
        if (magnitude.signum() != 0 && magnitude.compareTo(MIN) < 0) {
            return shortText(number) + " is too small for a 64-bit float, which would read it as 0; write 0 if you mean it";
        }
        return null;
    }

    private static String shortText(JsonNode number) {
        String text = number.asText();
        return text.length() > 40 ? text.substring(0, 20) + "…(" + text.length() + " characters)" : text;
    }

    /** {@code text} with each NUL and unpaired surrogate written as a {@code \\uXXXX} escape. */
    static String printable(String text) {
        if (text == null || problemWith(text) == null) {
            return text;
        }
        StringBuilder sb = new StringBuilder(text.length() + 12);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                sb.append(c).append(text.charAt(++i));
            } else if (c == '\0' || Character.isSurrogate(c)) {
                sb.append(escape(c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** The problems with printable paths and messages (they are published as JSON and shown to people). */
    static List<Problem> printable(List<Problem> problems) {
        List<Problem> out = new ArrayList<>(problems.size());
        for (Problem p : problems) {
            out.add(new Problem(printable(p.path()), printable(p.message())));
        }
        return out;
    }

    private static String escape(char c) {
        return String.format("\\u%04X", (int) c);
    }
}
