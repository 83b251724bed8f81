package dev.conveyor.submission;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code ${{ expression }}} templates of a request. Three expressions exist:
 * <ul>
 *   <li>{@code params.<name>} — a job param (optionally {@code .<key>…} into a map value),</li>
 *   <li>{@code matrix.<key>} — a value of the task's matrix cell (optionally {@code .<key>…} into an
 *       object value),</li>
 *   <li>{@code needs.<task>.outputs.<key>} — an output value of a task the task (transitively)
 *       needs; known only at run time, so allowed only in {@code command}/{@code script}.</li>
 * </ul>
 * Spaces inside the braces are optional. A "$" followed by "{{" always starts a template (there is no escape).
 * A value is rendered as its text (strings as they are, numbers and booleans as JSON, lists and maps
 * as compact JSON, a missing value or null as the empty string).
 */
final class Templates {

    static final String OPEN = "${{";
    static final String CLOSE = "}}";

    private static final Pattern PARAMS = Pattern.compile("params\\.([A-Za-z_][A-Za-z0-9_]*)((?:\\.[A-Za-z0-9_-]+)*)");
    private static final Pattern MATRIX = Pattern.compile("matrix\\.([A-Za-z_][A-Za-z0-9_-]*)((?:\\.[A-Za-z0-9_-]+)*)");
    private static final Pattern NEEDS = Pattern.compile(
            "needs\\.([A-Za-z0-9][A-Za-z0-9_-]{0,63})\\.outputs\\.([A-Za-z_][A-Za-z0-9_-]*)");

    private Templates() {
    }

    enum Kind { PARAMS, MATRIX, NEEDS }

    /**
     * One template in a text: characters {@code [start, end)} are {@code ${{ expression }}}.
     *
     * @param name the param name, matrix key or needed task id
     * @param path keys into the value ({@code params.cfg.host} → [host]); for NEEDS the output key
     */
    record Template(int start, int end, String expression, Kind kind, String name, List<String> path) {
        /** Environment variable a NEEDS template reads: {@code CONVEYOR_NEEDS_<TASK>_<KEY>}. */
        String needsEnv() {
            return "CONVEYOR_NEEDS_" + envPart(name) + "_" + envPart(path.get(0));
        }
    }

    /** A text with a broken template; the message says which and why. */
    static final class TemplateException extends Exception {
        TemplateException(String message) {
            super(message, null, false, false);
        }
    }

    /** Whether {@code text} contains a template at all (cheap; no parsing). */
    static boolean has(String text) {
        return text != null && text.contains(OPEN);
    }

    /** The templates of {@code text} in order; empty when it has none. */
    static List<Template> parse(String text) throws TemplateException {
        if (!has(text)) {
            return List.of();
        }
        List<Template> templates = new ArrayList<>();
        int from = 0;
        int start;
        while ((start = text.indexOf(OPEN, from)) >= 0) {
            int close = text.indexOf(CLOSE, start + OPEN.length());
            int nested = text.indexOf(OPEN, start + OPEN.length());
            if (close < 0 || (nested >= 0 && nested < close)) {
                throw new TemplateException("the template starting at character " + (start + 1) + " ('"
                        + excerpt(text, start) + "') is not closed with '}}'");
            }
            String expression = text.substring(start + OPEN.length(), close).strip();
            templates.add(template(start, close + CLOSE.length(), expression));
            from = close + CLOSE.length();
        }
        return List.copyOf(templates);
    }

    private static Template template(int start, int end, String expression) throws TemplateException {
        Matcher m;
        if (expression.isEmpty()) {
            throw new TemplateException("the template '${{ }}' at character " + (start + 1) + " is empty");
        }
        if ((m = PARAMS.matcher(expression)).matches()) {
            return new Template(start, end, expression, Kind.PARAMS, m.group(1), keys(m.group(2)));
        }
        if ((m = MATRIX.matcher(expression)).matches()) {
            return new Template(start, end, expression, Kind.MATRIX, m.group(1), keys(m.group(2)));
        }
        if ((m = NEEDS.matcher(expression)).matches()) {
            return new Template(start, end, expression, Kind.NEEDS, m.group(1), List.of(m.group(2)));
        }
        String hint = expression.contains("|") || expression.contains("(")
                ? "; filters and functions are not supported"
                : expression.startsWith("needs.") ? "; the form is needs.<task>.outputs.<key>" : "";
        throw new TemplateException("'${{ " + expression + " }}' is not a template Conveyor knows: use "
                + "params.<name>, matrix.<key> or needs.<task>.outputs.<key>" + hint);
    }

    private static List<String> keys(String dotted) {
        if (dotted == null || dotted.isEmpty()) {
            return List.of();
        }
        return List.of(dotted.substring(1).split("\\."));
    }

    private static String excerpt(String text, int start) {
        String rest = text.substring(start);
        int newline = rest.indexOf('\n');
        if (newline >= 0) {
            rest = rest.substring(0, newline);
        }
        return rest.length() > 40 ? rest.substring(0, 40) + "…" : rest;
    }

    /** {@code text} with each template replaced by {@code valueOf} (used for env values and output patterns). */
    static String substitute(String text, List<Template> templates, Function<Template, String> valueOf) {
        if (templates.isEmpty()) {
            return text;
        }
        StringBuilder sb = new StringBuilder(text.length() + 16);
        int at = 0;
        for (Template t : templates) {
            sb.append(text, at, t.start()).append(valueOf.apply(t));
            at = t.end();
        }
        return sb.append(text, at, text.length()).toString();
    }

    /** The value {@code path} leads to inside {@code value}; null when a key is missing. */
    static JsonNode at(JsonNode value, List<String> path) {
        JsonNode node = value;
        for (String key : path) {
            if (node == null || !node.isObject()) {
                return null;
            }
            node = node.get(key);
        }
        return node;
    }

    /** A template value as text: see the class comment. */
    static String render(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return "";
        }
        return value.isValueNode() ? value.asText() : value.toString();
    }

    /** The value of a PARAMS or MATRIX template given the params and (possibly empty) matrix cell. */
    static String value(Template t, Map<String, JsonNode> params, Map<String, JsonNode> cell) {
        JsonNode root = switch (t.kind()) {
            case PARAMS -> params.get(t.name());
            case MATRIX -> cell.get(t.name());
            case NEEDS -> throw new IllegalArgumentException("needs templates have no value at submission");
        };
        return render(at(root, t.path()));
    }

    /** Upper case, every character other than a letter or digit as '_' ({@code a-b.c} → {@code A_B_C}). */
    static String envPart(String name) {
        StringBuilder sb = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            sb.append((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    ? Character.toUpperCase(c) : '_');
        }
        return sb.toString().toUpperCase(Locale.ROOT);
    }
}
