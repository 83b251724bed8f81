package dev.conveyor.emulator.azure;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * The OData $filter subset the Batch service accepts: comparisons (eq, ne, gt, ge, lt, le) of a property path
 * (e.g. {@code executionInfo/exitCode}) with a literal ('string', number, true/false, null, datetime'...'),
 * {@code startswith(path,'x')}, combined with and, or, not and parentheses.
 */
final class ODataFilter {
    private final String text;
    private final List<String> tokens;
    private int pos;

    private ODataFilter(String text) {
        this.text = text;
        this.tokens = tokenize(text);
    }

    static Predicate<JsonNode> parse(String filter) {
        if (filter == null || filter.isBlank()) return n -> true;
        ODataFilter parser = new ODataFilter(filter);
        Predicate<JsonNode> p = parser.orExpr();
        if (parser.pos != parser.tokens.size()) throw parser.error("unexpected '" + parser.tokens.get(parser.pos) + "'");
        return p;
    }

    private Predicate<JsonNode> orExpr() {
        Predicate<JsonNode> left = andExpr();
        while (peekWord("or")) {
            pos++;
            left = left.or(andExpr());
        }
        return left;
    }

    private Predicate<JsonNode> andExpr() {
        Predicate<JsonNode> left = notExpr();
        while (peekWord("and")) {
            pos++;
            left = left.and(notExpr());
        }
        return left;
    }

    private Predicate<JsonNode> notExpr() {
        if (peekWord("not")) {
            pos++;
            return notExpr().negate();
        }
        return primary();
    }

    private Predicate<JsonNode> primary() {
        String t = next();
        if (t.equals("(")) {
            Predicate<JsonNode> inner = orExpr();
            expect(")");
            return inner;
        }
        if (t.equalsIgnoreCase("startswith") || t.equalsIgnoreCase("endswith")) {
            expect("(");
            String path = path(next());
            expect(",");
            Object lit = literal(next());
            expect(")");
            boolean starts = t.equalsIgnoreCase("startswith");
            String prefix = String.valueOf(lit).toLowerCase(Locale.ROOT);
            return n -> {
                JsonNode v = n.at(path);
                if (v.isMissingNode() || v.isNull()) return false;
                String s = v.asText().toLowerCase(Locale.ROOT);
                return starts ? s.startsWith(prefix) : s.endsWith(prefix);
            };
        }
        String path = path(t);
        String op = next().toLowerCase(Locale.ROOT);
        if (!List.of("eq", "ne", "gt", "ge", "lt", "le").contains(op)) throw error("unknown operator '" + op + "'");
        Object lit = literal(next());
        return n -> compare(n.at(path), op, lit);
    }

    private static boolean compare(JsonNode v, String op, Object lit) {
        boolean missing = v.isMissingNode() || v.isNull();
        if (lit == null || missing) {
            boolean bothNull = lit == null && missing;
            return switch (op) {
                case "eq" -> bothNull;
                case "ne" -> !bothNull;
                default -> false;
            };
        }
        int c;
        if (lit instanceof BigDecimal num) {
            if (!v.isNumber()) return op.equals("ne");
            c = v.decimalValue().compareTo(num);
        } else if (lit instanceof Boolean b) {
            if (!v.isBoolean()) return op.equals("ne");
            c = Boolean.compare(v.asBoolean(), b);
        } else if (lit instanceof Instant when) {
            try {
                c = Instant.parse(v.asText()).compareTo(when);
            } catch (DateTimeParseException e) {
                return op.equals("ne");
            }
        } else {
            c = v.asText().toLowerCase(Locale.ROOT).compareTo(((String) lit).toLowerCase(Locale.ROOT));
        }
        return switch (op) {
            case "eq" -> c == 0;
            case "ne" -> c != 0;
            case "gt" -> c > 0;
            case "ge" -> c >= 0;
            case "lt" -> c < 0;
            default -> c <= 0;
        };
    }

    private String path(String token) {
        if (!token.matches("[A-Za-z_][A-Za-z0-9_]*(/[A-Za-z_][A-Za-z0-9_]*)*")) {
            throw error("'" + token + "' is not a property");
        }
        return "/" + token;
    }

    private Object literal(String t) {
        if (t.startsWith("'")) return t.substring(1, t.length() - 1).replace("''", "'");
        if (t.regionMatches(true, 0, "datetime'", 0, 9)) {
            try {
                return Instant.parse(t.substring(9, t.length() - 1));
            } catch (DateTimeParseException e) {
                throw error("invalid datetime literal " + t);
            }
        }
        if (t.equalsIgnoreCase("true") || t.equalsIgnoreCase("false")) return Boolean.parseBoolean(t);
        if (t.equalsIgnoreCase("null")) return null;
        try {
            return new BigDecimal(t);
        } catch (NumberFormatException e) {
            throw error("'" + t + "' is not a literal");
        }
    }

    private boolean peekWord(String w) {
        return pos < tokens.size() && tokens.get(pos).equalsIgnoreCase(w);
    }

    private String next() {
        if (pos >= tokens.size()) throw error("unexpected end of expression");
        return tokens.get(pos++);
    }

    private void expect(String t) {
        String got = next();
        if (!got.equals(t)) throw error("expected '" + t + "' but found '" + got + "'");
    }

    private BatchException error(String reason) {
        return BatchException.invalidQuery("$filter", text, "The $filter clause is not valid: " + reason + ".");
    }

    private static List<String> tokenize(String s) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '(' || c == ')' || c == ',') {
                out.add(String.valueOf(c));
                i++;
            } else {
                int start = i;
                boolean quoted = false;
                while (i < s.length()) {
                    char d = s.charAt(i);
                    if (d == '\'') {
                        if (quoted && i + 1 < s.length() && s.charAt(i + 1) == '\'') {
                            i += 2;
                            continue;
                        }
                        quoted = !quoted;
                    } else if (!quoted && (Character.isWhitespace(d) || d == '(' || d == ')' || d == ',')) {
                        break;
                    }
                    i++;
                }
                if (quoted) {
                    throw BatchException.invalidQuery("$filter", s, "The $filter clause has an unterminated string.");
                }
                out.add(s.substring(start, i));
            }
        }
        return out;
    }
}
