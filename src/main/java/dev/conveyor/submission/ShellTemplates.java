package dev.conveyor.submission;

import dev.conveyor.submission.Templates.Template;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Function;

/**
 * Replaces the templates of a shell command by references to environment variables, so that a
 * value is never parsed as shell: whatever it contains ({@code $(rm -rf ~); echo pwned}) reaches
 * the program as that literal text.
 *
 * <p>The replacement depends on where the template stands, which a small lexer of POSIX shell
 * quoting finds out: unquoted (also inside {@code $( )} and backquotes) it becomes
 * {@code "${VAR}"}; inside double quotes or an unquoted here-document {@code ${VAR}}; inside single
 * quotes {@code '"${VAR}"'} (the quote is closed and reopened). A double-quoted parameter expansion
 * is never split, globbed or re-parsed by the shell. Inside a quoted here-document
 * ({@code <<'EOF'}) or {@code $'…'} the shell expands nothing, and inside {@code $(( ))} it would
 * evaluate the value as an arithmetic expression (bash runs {@code $(…)} found in it): a template
 * there is a problem.
 */
final class ShellTemplates {

    private ShellTemplates() {
    }

    /** The rewritten text, or the reason it cannot be rewritten. */
    record Result(String text, String problem) {
    }

    private enum Ctx { NORMAL, SINGLE, ANSI, DOUBLE, BACKTICK, SUBST, ARITH, HEREDOC, COMMENT }

    private static final class Frame {
        final Ctx ctx;
        int parens;
        String delimiter;
        boolean stripTabs;
        boolean quotedHeredoc;

        Frame(Ctx ctx) {
            this.ctx = ctx;
        }
    }

    private record PendingHeredoc(String delimiter, boolean stripTabs, boolean quoted) {
    }

    /**
     * @param templates the templates of {@code text}, in order (from {@link Templates#parse})
     * @param variable  the environment variable each template is read from
     */
    static Result rewrite(String text, List<Template> templates, Function<Template, String> variable) {
        if (templates.isEmpty()) {
            return new Result(text, null);
        }
        StringBuilder out = new StringBuilder(text.length() + 16 * templates.size());
        Deque<Frame> stack = new ArrayDeque<>();
        stack.push(new Frame(Ctx.NORMAL));
        List<PendingHeredoc> pending = new ArrayList<>();
        int next = 0;
        int n = text.length();
        int i = 0;
        boolean lineStart = true;
        while (i < n) {
            Frame top = stack.peek();
            if (top.ctx == Ctx.HEREDOC && lineStart) {
                int lineEnd = text.indexOf('\n', i);
                String line = text.substring(i, lineEnd < 0 ? n : lineEnd);
                String compared = top.stripTabs ? line.replaceFirst("^\t+", "") : line;
                if (compared.equals(top.delimiter)) {
                    out.append(line);
                    i += line.length();
                    stack.pop();
                    lineStart = false;
                    continue;
                }
            }
            if (next < templates.size() && templates.get(next).start() == i) {
                Template t = templates.get(next++);
                String var = variable.apply(t);
                switch (top.ctx) {
                    case SINGLE -> out.append("'\"${").append(var).append("}\"'");
                    case DOUBLE, COMMENT -> out.append("${").append(var).append('}');
                    case HEREDOC -> {
                        if (top.quotedHeredoc) {
                            return new Result(null, "'${{ " + t.expression() + " }}' stands in a quoted here-document (<<'"
                                    + top.delimiter + "'), whose text the shell never expands; quote the delimiter differently (<<"
                                    + top.delimiter + ") or move the template out of it");
                        }
                        out.append("${").append(var).append('}');
                    }
                    case ANSI -> {
                        return new Result(null, "'${{ " + t.expression() + " }}' stands inside $'…', whose text the "
                                + "shell never expands; move the template out of it");
                    }
                    case ARITH -> {
                        return new Result(null, "'${{ " + t.expression() + " }}' stands inside $(( )), where the shell "
                                + "would evaluate the value as an expression (and bash would run commands in it); "
                                + "use it outside, e.g. n=${{ " + t.expression() + " }}; echo $((n + 1))");
                    }
                    default -> out.append("\"${").append(var).append("}\"");
                }
                i = t.end();
                lineStart = false;
                continue;
            }
            char c = text.charAt(i);
            char d = i + 1 < n ? text.charAt(i + 1) : '\0';
            if (c == '\n') {
                out.append(c);
                i++;
                lineStart = true;
                if (top.ctx == Ctx.COMMENT) {
                    stack.pop();
                    top = stack.peek();
                }
                if (!pending.isEmpty() && top.ctx != Ctx.SINGLE && top.ctx != Ctx.DOUBLE && top.ctx != Ctx.ANSI) {
                    // bodies follow in order; push the last one first so the first is on top
                    for (int k = pending.size() - 1; k >= 0; k--) {
                        PendingHeredoc h = pending.get(k);
                        Frame f = new Frame(Ctx.HEREDOC);
                        f.delimiter = h.delimiter();
                        f.stripTabs = h.stripTabs();
                        f.quotedHeredoc = h.quoted();
                        stack.push(f);
                    }
                    pending.clear();
                }
                continue;
            }
            lineStart = false;
            switch (top.ctx) {
                case SINGLE -> {
                    if (c == '\'') {
                        stack.pop();
                    }
                }
                case ANSI -> {
                    if (c == '\\' && d != '\0') {
                        out.append(c);
                        i++;
                        c = d;
                    } else if (c == '\'') {
                        stack.pop();
                    }
                }
                case DOUBLE -> {
                    if (c == '\\' && d != '\0' && d != '\n') {
                        out.append(c);
                        i++;
                        c = d;
                    } else if (c == '"') {
                        stack.pop();
                    } else if (c == '$' && d == '(' && i + 2 < n && text.charAt(i + 2) == '(') {
                        stack.push(new Frame(Ctx.ARITH));
                        out.append("$(");
                        i += 2;
                        c = '(';
                    } else if (c == '$' && d == '(') {
                        stack.push(new Frame(Ctx.SUBST));
                        out.append(c);
                        i++;
                        c = d;
                    } else if (c == '`') {
                        stack.push(new Frame(Ctx.BACKTICK));
                    }
                }
                case ARITH -> {
                    if (c == '(') {
                        top.parens++;
                    } else if (c == ')') {
                        if (top.parens == 0 && d == ')') {
                            stack.pop();
                            out.append(c);
                            i++;
                            c = d;
                        } else if (top.parens > 0) {
                            top.parens--;
                        }
                    }
                }
                case HEREDOC, COMMENT -> {
                    if (c == '\\' && d != '\0' && d != '\n' && top.ctx == Ctx.HEREDOC) {
                        out.append(c);
                        i++;
                        c = d;
                    }
                }
                default -> { // NORMAL, SUBST, BACKTICK: unquoted text
                    if (c == '\\' && d != '\0') {
                        out.append(c);
                        i++;
                        c = d;
                    } else if (c == '\'') {
                        stack.push(new Frame(Ctx.SINGLE));
                    } else if (c == '"') {
                        stack.push(new Frame(Ctx.DOUBLE));
                    } else if (c == '$' && d == '\'') {
                        stack.push(new Frame(Ctx.ANSI));
                        out.append(c);
                        i++;
                        c = d;
                    } else if (c == '$' && d == '(' && i + 2 < n && text.charAt(i + 2) == '(') {
                        stack.push(new Frame(Ctx.ARITH));
                        out.append("$(");
                        i += 2;
                        c = '(';
                    } else if (c == '$' && d == '(') {
                        stack.push(new Frame(Ctx.SUBST));
                        out.append(c);
                        i++;
                        c = d;
                    } else if (c == '`') {
                        if (top.ctx == Ctx.BACKTICK) {
                            stack.pop();
                        } else {
                            stack.push(new Frame(Ctx.BACKTICK));
                        }
                    } else if (c == '(' && top.ctx == Ctx.SUBST) {
                        top.parens++;
                    } else if (c == ')' && top.ctx == Ctx.SUBST) {
                        if (top.parens == 0) {
                            stack.pop();
                        } else {
                            top.parens--;
                        }
                    } else if (c == '#' && startsWord(text, i)) {
                        stack.push(new Frame(Ctx.COMMENT));
                    } else if (c == '<' && d == '<' && i + 2 < n && text.charAt(i + 2) == '<') {
                        out.append("<<");   // a here-string: <<< word
                        i += 2;
                    } else if (c == '<' && d == '<') {
                        int end = heredoc(text, i + 2, pending);
                        out.append(text, i, end);
                        i = end;
                        continue;
                    }
                }
            }
            out.append(c);
            i++;
        }
        return new Result(out.toString(), null);
    }

    private static boolean startsWord(String text, int i) {
        if (i == 0) {
            return true;
        }
        char p = text.charAt(i - 1);
        return Character.isWhitespace(p) || p == ';' || p == '&' || p == '|' || p == '(' || p == ')';
    }

    /** Reads the delimiter word after {@code <<} at {@code from}; returns the index after it. */
    private static int heredoc(String text, int from, List<PendingHeredoc> pending) {
        int i = from;
        int n = text.length();
        boolean stripTabs = false;
        if (i < n && text.charAt(i) == '-') {
            stripTabs = true;
            i++;
        }
        while (i < n && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
            i++;
        }
        StringBuilder word = new StringBuilder();
        boolean quoted = false;
        while (i < n) {
            char c = text.charAt(i);
            if (c == '\'' || c == '"') {
                quoted = true;
                int close = text.indexOf(c, i + 1);
                if (close < 0) {
                    break;
                }
                word.append(text, i + 1, close);
                i = close + 1;
            } else if (c == '\\' && i + 1 < n) {
                quoted = true;
                word.append(text.charAt(i + 1));
                i += 2;
            } else if (Character.isWhitespace(c) || c == ';' || c == '&' || c == '|' || c == '<' || c == '>'
                    || c == '(' || c == ')') {
                break;
            } else {
                word.append(c);
                i++;
            }
        }
        if (word.length() > 0) {
            pending.add(new PendingHeredoc(word.toString(), stripTabs, quoted));
        }
        return i;
    }
}
