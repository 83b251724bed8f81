package dev.conveyor.submission;

import dev.conveyor.submission.ShellWords.Command;
import dev.conveyor.submission.ShellWords.Word;
import dev.conveyor.submission.Templates.Template;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The places where bash evaluates a value as an arithmetic expression. There, a value such as
 * {@code a[$(touch /tmp/x)]} runs its command substitution, even from a quoted variable
 * ({@code [[ "$v" -eq 1 ]]}), so a template there would let a param value run commands.
 *
 * <p>Contexts found by {@link ShellLexer} while it reads (everything inside them):
 * {@code $(( ))}, {@code (( ))} (also {@code for (( ; ; ))}), {@code $[ ]}, array subscripts
 * ({@code a[…]=}, <code>${a[…]}</code>, {@code name=([…]=…)}, and {@code x[…]} at the start of any
 * word, which may be a glob but is refused all the same) and <code>${x:offset:length}</code>.
 *
 * <p>Commands found here, from their words: every argument of {@code let}; every argument of
 * {@code declare}/{@code typeset}/{@code local} with an {@code -i} option; an assignment
 * ({@code n=…}, {@code n+=…}, also as an argument of {@code declare}, {@code local}, {@code export},
 * {@code readonly}) to a name given the integer attribute anywhere in the script (before or after:
 * loops and functions reorder them); a {@code read}, {@code mapfile}, {@code readarray},
 * {@code printf -v}, {@code for} or {@code select} that assigns to such a name (the whole command,
 * here-strings included); in {@code [[ ]]} both operands of {@code -eq -ne -lt -le -gt -ge}; the
 * operand of {@code -v} in {@code [[ ]]}, {@code [ ]}, {@code test} and {@code printf} (a name may
 * carry a subscript). A template nested in a command substitution inside any of these counts too:
 * its output is evaluated.
 *
 * <p>Not covered, because they are flows of values rather than places of templates: a value first
 * copied into a variable and that variable used arithmetically ({@code n=${{ params.n }};
 * echo $((n + 1))} runs a[$(…)] too), {@code $CONVEYOR_PARAM_<NAME>} used arithmetically, namerefs,
 * {@code eval}, and a here-document read into an integer. The advice in every message is the
 * remedy for those as well: validate the value with a {@code case} pattern before arithmetic, or
 * declare the param {@code type: int} (its value is then checked to be a whole number, which bash
 * cannot run anything from).
 */
final class ArithmeticContexts {

    /** Words after which a new command starts. */
    static final Set<String> RESERVED = Set.of("if", "then", "else", "elif", "fi", "do", "done", "while", "until",
            "!", "{", "}", "time", "esac");

    private static final Set<String> COMPARISONS = Set.of("-eq", "-ne", "-lt", "-le", "-gt", "-ge");
    private static final Set<String> DECLARE = Set.of("declare", "typeset", "local");
    private static final Set<String> ASSIGNING_BUILTINS = Set.of("declare", "typeset", "local", "export", "readonly");
    private static final Set<String> READERS = Set.of("read", "mapfile", "readarray", "printf", "for", "select");
    private static final Pattern ASSIGNED = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)(?:\\[.*])?\\+?=.*", Pattern.DOTALL);
    private static final Pattern NAME_ARG = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)(?:\\[.*])?(?:\\+?=.*)?", Pattern.DOTALL);

    private ArithmeticContexts() {
    }

    /**
     * The templates that stand in an arithmetic command context, each with a description of it
     * ("in an argument of let"…), in template order.
     */
    static Map<Template, String> inCommands(String text, List<Command> commands, List<Template> templates) {
        Set<String> integers = integerNames(text, commands);
        Map<Template, String> found = new LinkedHashMap<>();
        for (Command command : commands) {
            List<String> words = command.words().stream().map(w -> unquoted(w.in(text))).toList();
            int k = commandWord(words);
            for (int j = 0; j < k; j++) {
                assignment(words.get(j), integers, command.words().get(j), text, templates, found);
            }
            if (k >= words.size()) {
                continue;
            }
            String name = words.get(k);
            List<Word> args = command.words().subList(k + 1, command.words().size());
            if (name.equals("let")) {
                args.forEach(w -> mark(w, "in an argument of let", templates, found));
            } else if (DECLARE.contains(name) && hasIntegerOption(words, k)) {
                args.forEach(w -> mark(w, "in a " + name + " -i command", templates, found));
            } else if (ASSIGNING_BUILTINS.contains(name)) {
                for (int j = k + 1; j < words.size(); j++) {
                    assignment(words.get(j), integers, command.words().get(j), text, templates, found);
                }
            }
            if (READERS.contains(name)) {
                for (int j = k + 1; j < words.size(); j++) {
                    Matcher m = NAME_ARG.matcher(words.get(j));
                    boolean target = !name.equals("printf") || words.get(j - 1).equals("-v");
                    if (target && m.matches() && integers.contains(m.group(1))) {
                        String where = "in a " + name + " that assigns to " + m.group(1) + ", which is declared an integer";
                        args.forEach(w -> mark(w, where, templates, found));
                        break;
                    }
                }
            }
            for (int j = k + 1; j < words.size(); j++) {
                String word = words.get(j);
                if (name.equals("[[") && COMPARISONS.contains(word)) {
                    String where = "next to " + word + " in [[ ]]";
                    mark(command.words().get(j - 1), where, templates, found);
                    if (j + 1 < words.size()) {
                        mark(command.words().get(j + 1), where, templates, found);
                    }
                }
                if (word.equals("-v") && j + 1 < words.size() && Set.of("[[", "[", "test", "printf").contains(name)) {
                    mark(command.words().get(j + 1), "after " + name + " … -v, whose name may carry an array subscript",
                            templates, found);
                }
            }
        }
        Map<Template, String> ordered = new LinkedHashMap<>();
        templates.stream().filter(found::containsKey).forEach(t -> ordered.put(t, found.get(t)));
        return ordered;
    }

    /** The names given the integer attribute anywhere in the text ({@code declare -i n}, {@code local -ri n=1}…). */
    private static Set<String> integerNames(String text, List<Command> commands) {
        Set<String> names = new HashSet<>();
        for (Command command : commands) {
            List<String> words = command.words().stream().map(w -> unquoted(w.in(text))).toList();
            int k = commandWord(words);
            if (k < words.size() && DECLARE.contains(words.get(k)) && hasIntegerOption(words, k)) {
                for (int j = k + 1; j < words.size(); j++) {
                    Matcher m = NAME_ARG.matcher(words.get(j));
                    if (m.matches()) {
                        names.add(m.group(1));
                    }
                }
            }
        }
        return names;
    }

    /** Index of the command name: after leading assignments and {@code command}/{@code builtin}. */
    private static int commandWord(List<String> words) {
        int k = 0;
        while (k < words.size() && (ASSIGNED.matcher(words.get(k)).matches()
                || words.get(k).equals("command") || words.get(k).equals("builtin"))) {
            k++;
        }
        return k;
    }

    private static boolean hasIntegerOption(List<String> words, int k) {
        for (int j = k + 1; j < words.size() && words.get(j).startsWith("-") && !words.get(j).equals("--"); j++) {
            if (words.get(j).indexOf('i') > 0) {
                return true;
            }
        }
        return false;
    }

    private static void assignment(String word, Set<String> integers, Word w, String text, List<Template> templates,
                                   Map<Template, String> found) {
        Matcher m = ASSIGNED.matcher(word);
        if (m.matches() && integers.contains(m.group(1))) {
            mark(w, "in an assignment to " + m.group(1) + ", which is declared an integer (declare -i)", templates, found);
        }
    }

    private static void mark(Word w, String where, List<Template> templates, Map<Template, String> found) {
        for (Template t : templates) {
            if (t.start() >= w.start() && t.start() < w.end()) {
                found.putIfAbsent(t, where);
            }
        }
    }

    /** The word without its quotes ({@code "let"} runs let); good enough to recognise names and options. */
    private static String unquoted(String word) {
        return word.indexOf('"') < 0 && word.indexOf('\'') < 0 && word.indexOf('\\') < 0 ? word
                : word.replace("\"", "").replace("'", "").replace("\\", "");
    }

    /** The problem of a template that is not a whole number in an arithmetic context. */
    static String problem(Template t, String where) {
        String how = t.kind() == Templates.Kind.PARAMS && t.path().isEmpty()
                ? "declare the param as {type: int} (its value is then checked to be a whole number), or "
                : "";
        return "'${{ " + t.expression() + " }}' stands " + where + ": bash evaluates the value there as an arithmetic "
                + "expression and runs any command in it (a value like a[$(rm -rf ~)] would), even when it is quoted; "
                + how + "check the value with a case pattern first and use the variable: v=${{ " + t.expression()
                + " }}; case $v in ''|*[!0-9]*) echo \"not a number: $v\" >&2; exit 1;; esac";
    }
}
