package dev.conveyor.submission;

import dev.conveyor.submission.ShellLexer.Placement;
import dev.conveyor.submission.Templates.Template;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Replaces the templates of a shell command by references to environment variables, so that a
 * value is never parsed as shell: whatever it contains ({@code $(rm -rf ~); echo pwned}) reaches
 * the program as that literal text.
 *
 * <p>The replacement depends on where the template stands, which {@link ShellLexer} finds out:
 * unquoted (also inside {@code $( )} and backquotes) it becomes {@code "${VAR}"}; inside double
 * quotes or an unquoted here-document {@code ${VAR}}; inside single quotes {@code '"${VAR}"'} (the
 * quote is closed and reopened). A double-quoted parameter expansion is never split, globbed or
 * re-parsed by the shell. Inside a quoted here-document ({@code <<'EOF'}) or {@code $'…'} the shell
 * expands nothing: a template there is a problem.
 *
 * <p>Quoting does not help where bash evaluates a value as an arithmetic expression
 * ({@link ArithmeticContexts}: {@code [[ "$v" -eq 1 ]]}, {@code (( ))}, {@code let},
 * {@code declare -i}, array subscripts…): bash runs the command substitution of a subscript in the
 * value ({@code a[$(touch /tmp/x)]}). A template there is a problem, unless {@code wholeNumber}
 * says its value is a whole number (an {@code int} param, checked by {@link Params}): digits and a
 * sign cannot run anything. Inside {@code $(( ))} and the like such a template becomes
 * {@code ${VAR}}.
 */
final class ShellTemplates {

    private ShellTemplates() {
    }

    /** The rewritten text, or the reason it cannot be rewritten. */
    record Result(String text, String problem) {
    }

    /**
     * @param templates   the templates of {@code text}, in order (from {@link Templates#parse})
     * @param variable    the environment variable each template is read from
     * @param wholeNumber whether a template's value is known to be a whole number (allowed in
     *                    arithmetic contexts)
     */
    static Result rewrite(String text, List<Template> templates, Function<Template, String> variable,
                          Predicate<Template> wholeNumber) {
        if (templates.isEmpty()) {
            return new Result(text, null);
        }
        ShellLexer.Analysis analysis = ShellLexer.analyse(text, templates);
        Map<Template, String> inCommands = ArithmeticContexts.inCommands(text, analysis.commands(), templates);
        StringBuilder out = new StringBuilder(text.length() + 16 * templates.size());
        int at = 0;
        for (Placement p : analysis.placements()) {
            Template t = p.template();
            String problem = problem(p, inCommands.get(t), wholeNumber);
            if (problem != null) {
                return new Result(null, problem);
            }
            String var = variable.apply(t);
            out.append(text, at, t.start()).append(switch (p.quoting()) {
                case SINGLE -> "'\"${" + var + "}\"'";
                case DOUBLE, COMMENT, HEREDOC, ARITHMETIC -> "${" + var + "}";
                default -> "\"${" + var + "}\"";
            });
            at = t.end();
        }
        return new Result(out.append(text, at, text.length()).toString(), null);
    }

    /** Templates of {@code params.<name>} for the params declared {@code type: int}: their values are whole numbers. */
    static Predicate<Template> intParams(Set<String> intParams) {
        return t -> t.kind() == Templates.Kind.PARAMS && t.path().isEmpty() && intParams.contains(t.name());
    }

    private static String problem(Placement p, String commandContext, Predicate<Template> wholeNumber) {
        Template t = p.template();
        if (p.quoting() == ShellLexer.Quoting.QUOTED_HEREDOC) {
            return "'${{ " + t.expression() + " }}' stands in a quoted here-document (<<'" + p.delimiter()
                    + "'), whose text the shell never expands; quote the delimiter differently (<<" + p.delimiter()
                    + ") or move the template out of it";
        }
        if (p.quoting() == ShellLexer.Quoting.ESCAPED) {
            return "'${{ " + t.expression() + " }}' follows a backslash or is part of a here-document delimiter, "
                    + "where it cannot be replaced safely; remove the backslash or move the template";
        }
        if (p.quoting() == ShellLexer.Quoting.ANSI) {
            return "'${{ " + t.expression() + " }}' stands inside $'…', whose text the shell never expands; "
                    + "move the template out of it";
        }
        String arithmetic = p.arithmetic() != null ? p.arithmetic() : commandContext;
        if (arithmetic != null && !wholeNumber.test(t)) {
            return ArithmeticContexts.problem(t, arithmetic);
        }
        return null;
    }
}
