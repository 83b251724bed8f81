package dev.conveyor.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the web view never shows: the query string of a signed URL (SAS, presigned), and the value
 * of anything named like a credential ({@code *_KEY}, {@code *SECRET*}, {@code *TOKEN*},
 * {@code *PASSWORD*}) unless it is a {@code ${NAME}} reference. Applied to every text and JSON
 * document before it is rendered: requests, specs, results, log tails, status messages.
 */
public final class Redaction {
    static final String HIDDEN = "[hidden]";
    private static final Pattern URL = Pattern.compile("(?i)\\b((?:https?|wss?)://[^\\s\"'<>?#]*)\\?([^\\s\"'<>#]*)");
    private static final Pattern SIGNED = Pattern.compile(
            "(?i)(?:^|&)(sig|signature|x-amz-signature|x-amz-credential|x-amz-security-token|sv|se|sp|skoid|token|"
                    + "access_token|code|key|googleaccessid|x-goog-signature)=");
    private static final Pattern SECRET_NAME = Pattern.compile(
            "(?i).*(secret|password|passwd|token|_key|^key$|apikey|api_key|credential|sas|connection_string).*");
    /** {@code NAME: value}, {@code NAME=value}, {@code "NAME": "value"} on one line. */
    private static final Pattern ASSIGNMENT = Pattern.compile(
            "(?m)^(\\s*-?\\s*[\"']?)([A-Za-z_][A-Za-z0-9_.-]*)([\"']?\\s*[:=]\\s*)(\\S.*?)\\s*$");
    private static final Pattern JSON_PAIR = Pattern.compile("\"([A-Za-z_][A-Za-z0-9_.-]*)\"(\\s*:\\s*)\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern REFERENCE = Pattern.compile("[\"']?\\$\\{[A-Za-z_][A-Za-z0-9_]*}[\"']?");

    private Redaction() {
    }

    static boolean secretName(String name) {
        return name != null && SECRET_NAME.matcher(name).matches();
    }

    /** Text with signed-URL query strings and credential-named values hidden. */
    public static String text(String s) {
        if (s == null || s.isEmpty()) {
            return s;
        }
        String out = urls(s);
        out = replace(JSON_PAIR, out, m -> secretName(m.group(1)) && !REFERENCE.matcher(m.group(3)).matches()
                ? "\"" + m.group(1) + "\"" + m.group(2) + "\"" + HIDDEN + "\"" : m.group());
        out = replace(ASSIGNMENT, out, m -> secretName(m.group(2)) && !REFERENCE.matcher(m.group(4)).matches()
                && !m.group(4).startsWith("\"" + HIDDEN)
                ? m.group(1) + m.group(2) + m.group(3) + HIDDEN : m.group());
        return out;
    }

    static String urls(String s) {
        return replace(URL, s, m -> SIGNED.matcher(m.group(2)).find() ? m.group(1) + "?" + HIDDEN : m.group());
    }

    /** A copy of {@code node} with {@link #text} applied to every string and credential-named fields hidden. */
    public static JsonNode json(JsonNode node) {
        if (node == null) {
            return null;
        }
        JsonNode copy = node.deepCopy();
        walk(copy);
        return copy;
    }

    private static void walk(JsonNode node) {
        if (node instanceof ObjectNode object) {
            List<String> names = new ArrayList<>();
            object.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                JsonNode value = object.get(name);
                if (value.isTextual()) {
                    boolean reference = REFERENCE.matcher(value.asText()).matches();
                    object.set(name, new TextNode(secretName(name) && !reference ? HIDDEN : text(value.asText())));
                } else if (secretName(name) && value.isValueNode() && !value.isNull()) {
                    object.set(name, new TextNode(HIDDEN));
                } else {
                    walk(value);
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                if (array.get(i).isTextual()) {
                    array.set(i, new TextNode(text(array.get(i).asText())));
                } else {
                    walk(array.get(i));
                }
            }
        }
    }

    /** Credential-named entries of a map hidden, the others through {@link #text}. */
    static Map<String, String> values(Map<String, String> values) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        values.forEach((k, v) -> out.put(k, secretName(k) && v != null && !REFERENCE.matcher(v).matches() ? HIDDEN : text(v)));
        return out;
    }

    private static String replace(Pattern p, String s, java.util.function.Function<Matcher, String> f) {
        Matcher m = p.matcher(s);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(b, Matcher.quoteReplacement(f.apply(m)));
        }
        m.appendTail(b);
        return b.toString();
    }
}
