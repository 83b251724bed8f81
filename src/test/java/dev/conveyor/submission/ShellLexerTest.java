package dev.conveyor.submission;

import dev.conveyor.submission.ShellLexer.Placement;
import dev.conveyor.submission.ShellLexer.Quoting;
import dev.conveyor.submission.Templates.Template;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class ShellLexerTest {

    private static List<Placement> placements(String text) throws Templates.TemplateException {
        return ShellLexer.analyse(text, Templates.parse(text)).placements();
    }

    @Test
    void eachTemplateGetsItsQuotingAndArithmeticContext() throws Exception {
        assertThat(placements("""
                echo ${{ params.a }} "${{ params.a }}" '${{ params.a }}' $'${{ params.a }}' # ${{ params.a }}
                echo "${x:-${{ params.a }}}" ${a[${{ params.a }}]} "${x:1:${{ params.a }}}" $(( ${{ params.a }} ))
                cat <<EOF
                ${{ params.a }} $[ ${{ params.a }} ]
                EOF
                cat <<'END'
                ${{ params.a }}
                END
                """)).extracting(Placement::quoting, Placement::arithmetic).containsExactly(
                tuple(Quoting.UNQUOTED, null), tuple(Quoting.DOUBLE, null), tuple(Quoting.SINGLE, null),
                tuple(Quoting.ANSI, null), tuple(Quoting.COMMENT, null),
                tuple(Quoting.DOUBLE, null), tuple(Quoting.ARITHMETIC, "in an array subscript"),
                tuple(Quoting.ARITHMETIC, "in the offset or length of ${var:offset:length}"),
                tuple(Quoting.ARITHMETIC, "inside $(( ))"),
                tuple(Quoting.HEREDOC, null), tuple(Quoting.ARITHMETIC, "inside $[ ]"),
                tuple(Quoting.QUOTED_HEREDOC, null));
    }

    @Test
    void commandsAreSplitIntoWordsWithReservedWordsAndConditionsUnderstood() throws Exception {
        String text = "if [[ a -eq 1 && b ]]; then let x=1; fi | { y=2 declare -i n; }\n(echo a) ";
        List<List<String>> commands = ShellLexer.analyse(text, List.of()).commands().stream()
                .map(c -> c.words().stream().map(w -> w.in(text)).toList()).toList();
        assertThat(commands).containsExactly(List.of("[[", "a", "-eq", "1", "b", "]]"), List.of("let", "x=1"),
                List.of("y=2", "declare", "-i", "n"), List.of("echo", "a"));
    }

    @Test
    void anyTextIsLexedWithoutFailingOrLooping() {
        String alphabet = " \t\n;&|<>()[]{}$`'\"\\#=!:-+*aZ0";
        List<String> pieces = List.of("${{ params.a }}", "<<EOF\n", "\nEOF\n", "$((", "))", "[[ ", " ]]", "${", "let ",
                "declare -i ", "a[", "$(", "<<'X'\n");
        Random random = new Random(20261121);
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            for (int run = 0; run < 20_000; run++) {
                StringBuilder sb = new StringBuilder();
                int length = random.nextInt(40);
                for (int k = 0; k < length; k++) {
                    sb.append(random.nextInt(4) == 0 ? pieces.get(random.nextInt(pieces.size()))
                            : String.valueOf(alphabet.charAt(random.nextInt(alphabet.length()))));
                }
                String text = sb.toString();
                List<Template> templates;
                try {
                    templates = Templates.parse(text);
                } catch (Templates.TemplateException notATemplate) {
                    continue;
                }
                ShellTemplates.Result result = ShellTemplates.rewrite(text, templates, t -> "V", t -> false);
                assertThat(result.text() == null ^ result.problem() == null).as(text).isTrue();
                if (result.text() != null) {
                    assertThat(result.text()).as(text).doesNotContain("${{");
                }
            }
        });
    }
}
