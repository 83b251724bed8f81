package dev.conveyor.submission;

import dev.conveyor.submission.ShellLexer.Placement;
import dev.conveyor.submission.ShellLexer.Quoting;
import dev.conveyor.submission.Templates.Template;

import java.util.Deque;

/**
 * One context on {@link ShellLexer}'s stack (commands, a quote, a here-document, <code>${…}</code>,
 * an arithmetic context…) with the state its kind needs, and how a stack of them places a template:
 * what the lexer knows at a point of the text, apart from how it moves from one point to the next.
 */
final class ShellFrame {
    enum Kind { COMMANDS, ARRAY, SINGLE, ANSI, DOUBLE, HEREDOC, COMMENT, PARAM, ARITH, BRACKET }

    final Kind kind;
    String arithmetic;   // ARITH, BRACKET: what it is, for messages
    int depth;           // nested (), [] or {} inside the frame
    boolean subst;       // COMMANDS: opened by $( and closed by )
    boolean backtick;    // COMMANDS: opened by `
    boolean inDouble;    // PARAM: inside "…" or a here-document
    boolean wordLevel;   // BRACKET: a subscript of a word (ends at a blank)
    char closer;         // BRACKET: ']' or '}' (an offset ends where its ${…} ends)
    int start;           // PARAM: index after "${"
    HereDocuments.Pending heredoc; // HEREDOC
    ShellWords words;    // COMMANDS, ARRAY

    ShellFrame(Kind kind) {
        this.kind = kind;
    }

    /** A context of words and commands (COMMANDS or ARRAY) of {@code text}. */
    static ShellFrame commands(Kind kind, String text) {
        ShellFrame f = new ShellFrame(kind);
        f.words = new ShellWords(text, kind == Kind.COMMANDS);
        return f;
    }

    /** Where a template stands, given the contexts around it (innermost first). */
    static Placement place(Deque<ShellFrame> stack, Template t) {
        String arithmetic = stack.stream().map(f -> f.arithmetic).filter(a -> a != null).findFirst().orElse(null);
        for (ShellFrame f : stack) {
            Quoting quoting = switch (f.kind) {
                case SINGLE -> Quoting.SINGLE;
                case ANSI -> Quoting.ANSI;
                case DOUBLE -> Quoting.DOUBLE;
                case COMMENT -> Quoting.COMMENT;
                case HEREDOC -> f.heredoc.quoted() ? Quoting.QUOTED_HEREDOC : Quoting.HEREDOC;
                case ARITH, BRACKET -> Quoting.ARITHMETIC;
                case COMMANDS, ARRAY -> Quoting.UNQUOTED;
                case PARAM -> null; // quoted as what surrounds the ${ }
            };
            if (quoting != null) {
                return new Placement(t, quoting, arithmetic, f.heredoc == null ? null : f.heredoc.delimiter());
            }
        }
        return new Placement(t, Quoting.UNQUOTED, arithmetic, null);
    }
}
