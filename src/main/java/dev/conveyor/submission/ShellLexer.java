package dev.conveyor.submission;

import dev.conveyor.submission.ShellFrame.Kind;
import dev.conveyor.submission.ShellWords.Command;
import dev.conveyor.submission.Templates.Template;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A small lexer of POSIX shell and bash quoting and structure, just enough to know where each
 * template of a command stands: its quoting (unquoted, in {@code "…"}, in {@code '…'}, in a
 * here-document…), whether it is inside a bash arithmetic context ({@code $(( ))}, {@code (( ))},
 * {@code $[ ]}, an array subscript {@code a[…]} / <code>${a[…]}</code>, an offset
 * <code>${x:offset:length}</code>), and the words of every simple command, so that
 * {@link ArithmeticContexts} can find the commands that evaluate their arguments arithmetically
 * ({@code let}, {@code declare -i}, {@code [[ … -eq … ]]}…). It does not execute or expand
 * anything; where shell syntax is ambiguous it errs towards "arithmetic" (a false alarm is a
 * rejected request, a miss is an executed command).
 */
final class ShellLexer {

    /** How a template is quoted where it stands. */
    enum Quoting { UNQUOTED, DOUBLE, SINGLE, ANSI, HEREDOC, QUOTED_HEREDOC, COMMENT, ARITHMETIC,
        /** escaped by a backslash or part of a here-document delimiter: not a place for a value */
        ESCAPED }

    /**
     * Where one template stands.
     *
     * @param arithmetic the innermost arithmetic context around it ("inside $(( ))"…), or null
     * @param delimiter  the here-document's delimiter, for HEREDOC and QUOTED_HEREDOC
     */
    record Placement(Template template, Quoting quoting, String arithmetic, String delimiter) {
    }

    record Analysis(List<Placement> placements, List<Command> commands) {
    }

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    /** What may precede the ':' of an offset expansion ${name:…} (a name, a digit, a special, a subscript). */
    private static final Pattern OFFSET_SUBJECT = Pattern.compile("[!#]?(?:[A-Za-z_][A-Za-z0-9_]*|[0-9]+|[@*#?$!-])(?:\\[.*])?");
    private static final Pattern ASSIGNMENT_START = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(?:\\[.*])?\\+?=");

    private final String text;
    private final List<Template> templates;
    private final Deque<ShellFrame> stack = new ArrayDeque<>();
    private final HereDocuments heredocs = new HereDocuments();
    private final List<Placement> placements = new ArrayList<>();
    private final List<Command> commands = new ArrayList<>();

    private ShellLexer(String text, List<Template> templates) {
        this.text = text;
        this.templates = templates;
    }

    /** @param templates the templates of {@code text}, in order (from {@link Templates#parse}) */
    static Analysis analyse(String text, List<Template> templates) {
        ShellLexer lexer = new ShellLexer(text, templates);
        lexer.run();
        return new Analysis(List.copyOf(lexer.placements), List.copyOf(lexer.commands));
    }

    private void run() {
        stack.push(commands(Kind.COMMANDS));
        int next = 0;
        int n = text.length();
        int i = 0;
        boolean lineStart = true;
        while (i < n) {
            ShellFrame top = stack.peek();
            if (top.kind == Kind.HEREDOC && lineStart) {
                int lineEnd = text.indexOf('\n', i);
                String line = text.substring(i, lineEnd < 0 ? n : lineEnd);
                if ((top.heredoc.stripTabs() ? line.replaceFirst("^\t+", "") : line).equals(top.heredoc.delimiter())) {
                    stack.pop();
                    i += line.length();
                    lineStart = false;
                    continue;
                }
            }
            while (next < templates.size() && templates.get(next).start() < i) {
                placements.add(new Placement(templates.get(next++), Quoting.ESCAPED, null, null));
            }
            if (next < templates.size() && templates.get(next).start() == i) {
                Template t = templates.get(next++);
                touch(top, i);
                placements.add(ShellFrame.place(stack, t));
                i = t.end();
                lineStart = false;
                continue;
            }
            char c = text.charAt(i);
            if (c == '\n') {
                if (top.kind == Kind.BRACKET && top.wordLevel) {
                    stack.pop();
                    continue;
                }
                i++;
                lineStart = true;
                if (top.kind == Kind.COMMENT) {
                    stack.pop();
                    top = stack.peek();
                }
                if (top.words != null) {
                    top.words.endWord(i - 1);
                    if (!top.words.inCondition()) {
                        top.words.endCommand(commands);
                    }
                }
                if (heredocs.any() && top.kind != Kind.SINGLE && top.kind != Kind.DOUBLE && top.kind != Kind.ANSI) {
                    // bodies follow in order; push the last one first so the first is on top
                    List<HereDocuments.Pending> bodies = heredocs.take();
                    for (int k = bodies.size() - 1; k >= 0; k--) {
                        ShellFrame f = new ShellFrame(Kind.HEREDOC);
                        f.heredoc = bodies.get(k);
                        stack.push(f);
                    }
                }
                continue;
            }
            lineStart = false;
            i = switch (top.kind) {
                case COMMANDS, ARRAY -> unquoted(top, i);
                case SINGLE -> popAt(c == '\'', i);
                case ANSI -> c == '\\' ? i + 2 : popAt(c == '\'', i);
                case DOUBLE -> doubleQuoted(i);
                case HEREDOC -> top.heredoc.quoted() ? i + 1 : expanding(i, true);
                case COMMENT -> i + 1;
                case PARAM -> param(top, i);
                case ARITH -> arith(top, i);
                case BRACKET -> bracket(top, i);
            };
        }
        while (next < templates.size()) {
            placements.add(new Placement(templates.get(next++), Quoting.ESCAPED, null, null));
        }
        while (!stack.isEmpty()) {
            ShellFrame f = stack.pop();
            if (f.words != null) {
                f.words.endWord(n);
                f.words.endCommand(commands);
            }
        }
    }

    private int popAt(boolean close, int i) {
        if (close) {
            stack.pop();
        }
        return i + 1;
    }

    // ---- unquoted text: words and commands --------------------------------------------------------

    private int unquoted(ShellFrame top, int i) {
        char c = text.charAt(i);
        char d = i + 1 < text.length() ? text.charAt(i + 1) : '\0';
        ShellWords words = top.words;
        boolean cond = words.inCondition();
        if (c == ' ' || c == '\t' || c == '\r') {
            words.endWord(i);
            return i + 1;
        }
        if (c == '\\') {
            words.touch(i);
            return i + 2;
        }
        if (c == '#' && !words.inWord()) {
            stack.push(new ShellFrame(Kind.COMMENT));
            return i + 1;
        }
        if (c == ';' || c == '&' || c == '|') {
            words.endWord(i);
            if (cond && d == c && c != ';') {
                return i + 2; // && and || inside [[ ]]
            }
            words.endCommand(commands);
            return i + 1;
        }
        if (c == '<' && d == '<' && i + 2 < text.length() && text.charAt(i + 2) == '<') {
            words.endWord(i);
            return i + 3; // a here-string: <<< word
        }
        if (c == '<' && d == '<' && !cond) {
            words.endWord(i);
            return heredocs.announce(text, i + 2);
        }
        if (c == '<' || c == '>') {
            words.endWord(i);
            return i + 1;
        }
        if (c == '(') {
            if (d == '(' && top.kind == Kind.COMMANDS && !cond) {
                words.touch(i);
                push(Kind.ARITH, "inside (( ))");
                return i + 2;
            }
            if (ASSIGNMENT_START.matcher(words.wordBefore(i)).matches()) {
                stack.push(commands(Kind.ARRAY)); // name=( … ): an array literal, part of this word
                return i + 1;
            }
            words.endWord(i);
            if (top.subst) {
                top.depth++;
            }
            if (!cond) {
                words.endCommand(commands);
            }
            return i + 1;
        }
        if (c == ')') {
            words.endWord(i);
            if (top.kind == Kind.ARRAY) {
                stack.pop();
                return i + 1;
            }
            if (!cond) {
                words.endCommand(commands);
            }
            if (top.subst && top.depth == 0) {
                stack.pop();
            } else if (top.subst) {
                top.depth--;
            }
            return i + 1;
        }
        if (c == '`' && top.backtick) {
            words.endWord(i);
            words.endCommand(commands);
            stack.pop();
            return i + 1;
        }
        words.touch(i);
        String before = words.wordBefore(i);
        if (c == '[' && (top.kind == Kind.ARRAY ? before.isEmpty() : NAME.matcher(before).matches())) {
            ShellFrame f = push(Kind.BRACKET, "in an array subscript");
            f.closer = ']';
            f.wordLevel = true;
            return i + 1;
        }
        return expanding(i, false);
    }

    /** Quotes, {@code $…} and backquotes, as they open in unquoted text, "…" or a here-document. */
    private int expanding(int i, boolean inDouble) {
        char c = text.charAt(i);
        char d = i + 1 < text.length() ? text.charAt(i + 1) : '\0';
        if (c == '\\') {
            return i + 2;
        }
        if (c == '`') {
            ShellFrame f = commands(Kind.COMMANDS);
            f.backtick = true;
            stack.push(f);
            return i + 1;
        }
        if (c == '$' && d == '(' && i + 2 < text.length() && text.charAt(i + 2) == '(') {
            push(Kind.ARITH, "inside $(( ))");
            return i + 3;
        }
        if (c == '$' && d == '(') {
            ShellFrame f = commands(Kind.COMMANDS);
            f.subst = true;
            stack.push(f);
            return i + 2;
        }
        if (c == '$' && d == '[') {
            push(Kind.BRACKET, "inside $[ ]").closer = ']';
            return i + 2;
        }
        if (c == '$' && d == '{') {
            ShellFrame f = new ShellFrame(Kind.PARAM);
            f.start = i + 2;
            f.inDouble = inDouble;
            stack.push(f);
            return i + 2;
        }
        if (!inDouble && c == '$' && d == '\'') {
            stack.push(new ShellFrame(Kind.ANSI));
            return i + 2;
        }
        if (!inDouble && c == '\'') {
            stack.push(new ShellFrame(Kind.SINGLE));
        } else if (!inDouble && c == '"') {
            stack.push(new ShellFrame(Kind.DOUBLE));
        }
        return i + 1;
    }

    private int doubleQuoted(int i) {
        char c = text.charAt(i);
        if (c == '\\' && i + 1 < text.length() && text.charAt(i + 1) != '\n') {
            return i + 2;
        }
        if (c == '"') {
            stack.pop();
            return i + 1;
        }
        return expanding(i, true);
    }

    /** Inside <code>${…}</code>: nested quotes, subscripts and offsets. */
    private int param(ShellFrame top, int i) {
        char c = text.charAt(i);
        char d = i + 1 < text.length() ? text.charAt(i + 1) : '\0';
        if (c == '}') {
            if (top.depth == 0) {
                stack.pop();
            } else {
                top.depth--;
            }
            return i + 1;
        }
        if (c == '{') {
            top.depth++;
            return i + 1;
        }
        if (c == '"') {
            stack.push(new ShellFrame(Kind.DOUBLE)); // bash reads nested quotes inside ${ }
            return i + 1;
        }
        String subject = text.substring(top.start, i);
        if (c == '[' && top.depth == 0 && NAME.matcher(subject.replaceFirst("^[!#]", "")).matches()) {
            push(Kind.BRACKET, "in an array subscript").closer = ']';
            return i + 1;
        }
        if (c == ':' && top.depth == 0 && "-=?+".indexOf(d) < 0 && OFFSET_SUBJECT.matcher(subject).matches()) {
            push(Kind.BRACKET, "in the offset or length of ${var:offset:length}").closer = '}';
            return i + 1;
        }
        return expanding(i, top.inDouble);
    }

    private int arith(ShellFrame top, int i) {
        char c = text.charAt(i);
        if (c == '(') {
            top.depth++;
        } else if (c == ')') {
            if (top.depth == 0 && i + 1 < text.length() && text.charAt(i + 1) == ')') {
                stack.pop();
                return i + 2;
            } else if (top.depth > 0) {
                top.depth--;
            }
        }
        return i + 1;
    }

    /** Subscripts, {@code $[ ]} and offsets: arithmetic up to their closing bracket. */
    private int bracket(ShellFrame top, int i) {
        char c = text.charAt(i);
        if (top.wordLevel && " \t\r;&|<>()".indexOf(c) >= 0) {
            stack.pop(); // a word-level subscript ends with its word
            return i;
        }
        if (c == top.closer && top.depth == 0) {
            stack.pop();
            return top.closer == '}' ? i : i + 1; // the } also ends the ${ } around the offset
        }
        if (c == top.closer) {
            top.depth--;
        } else if ((top.closer == ']' && c == '[') || (top.closer == '}' && c == '{')) {
            top.depth++;
        }
        return expanding(i, false);
    }

    private ShellFrame push(Kind kind, String arithmetic) {
        ShellFrame f = new ShellFrame(kind);
        f.arithmetic = arithmetic;
        stack.push(f);
        return f;
    }

    private ShellFrame commands(Kind kind) {
        return ShellFrame.commands(kind, text);
    }

    private static void touch(ShellFrame top, int i) {
        if (top.words != null) {
            top.words.touch(i);
        }
    }
}
