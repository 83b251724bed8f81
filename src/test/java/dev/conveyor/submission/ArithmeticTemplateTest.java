package dev.conveyor.submission;

import com.fasterxml.jackson.databind.JsonNode;
import dev.conveyor.model.Problem;
import dev.conveyor.model.TaskSpec;
import dev.conveyor.storage.file.FileObjectStore;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A value that reaches a bash arithmetic context is evaluated as an expression, and bash runs the
 * command substitution of an array subscript in it ({@code a[$(touch x)]}) even when the value is
 * quoted. Each context below is first shown to be dangerous (bash really runs the marker command
 * when the value is put there as a quoted variable), then a request with a template there is
 * REJECTED, while an {@code int} param, whose value is checked to be a whole number, is accepted
 * and runs without executing anything.
 */
class ArithmeticTemplateTest {

    private static final Instant NOW = Instant.parse("2026-11-21T07:30:00Z");
    private static final Set<String> PROVIDERS = Set.of("local");
    private final RequestReader reader = new RequestReader();
    private final RequestValidator validator = new RequestValidator(new JsonSchemas());

    @TempDir
    Path dir;

    @BeforeAll
    static void bashIsThere() {
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")) || Files.isExecutable(Path.of("/usr/bin/bash")),
                "bash is needed to run these tests and is not installed");
    }

    static Stream<Arguments> arithmeticContexts() {
        return Stream.of(
                Arguments.of("[[ -eq ]]", "[[ ${{ params.v }} -eq 1 ]] || true"),
                Arguments.of("[[ quoted -eq ]]", "[[ \"${{ params.v }}\" -eq 1 ]] || true"),
                Arguments.of("[[ -lt right operand ]]", "[[ 1 -lt \"${{ params.v }}\" && 2 -gt 1 ]] || true"),
                Arguments.of("(( ))", "(( ${{ params.v }} > 0 )) || true"),
                Arguments.of("for (( ))", "for (( i = ${{ params.v }}; i < 1; i++ )); do :; done"),
                Arguments.of("$(( ))", "echo $(( ${{ params.v }} + 1 ))"),
                Arguments.of("$(( )) in a here-document", "cat <<EOF\n$(( ${{ params.v }} + 1 ))\nEOF"),
                Arguments.of("$[ ]", "echo $[ ${{ params.v }} + 1 ]"),
                Arguments.of("let", "let \"x = ${{ params.v }}\" || true"),
                Arguments.of("declare -i", "declare -i x=${{ params.v }}"),
                Arguments.of("typeset -i then +=", "typeset -i x\nx+=\"${{ params.v }}\""),
                Arguments.of("local -i", "f() { local -ri x=\"${{ params.v }}\"; }; f"),
                Arguments.of("assignment to an integer declared later in a loop",
                        "for k in 1 2; do n=${{ params.v }}; declare -i n; done"),
                Arguments.of("read into an integer", "declare -i n; read n <<< ${{ params.v }}"),
                Arguments.of("array subscript", "a[${{ params.v }}]=1"),
                Arguments.of("quoted array subscript", "a[\"${{ params.v }}\"]=1"),
                Arguments.of("subscript in an expansion", "a=(x); echo \"${a[${{ params.v }}]}\""),
                Arguments.of("compound array assignment", "a=([${{ params.v }}]=1)"),
                Arguments.of("${x:offset}", "x=abcdef; echo \"${x:1:${{ params.v }}}\""),
                Arguments.of("[[ -v ]]", "[[ -v ${{ params.v }} ]] || true"),
                Arguments.of("test -v", "test -v \"${{ params.v }}\" || true"),
                Arguments.of("printf -v", "printf -v \"a[${{ params.v }}]\" x"),
                Arguments.of("let after if", "if let \"x = ${{ params.v }}\"; then :; fi"),
                Arguments.of("[[ ]] after !", "! [[ ${{ params.v }} -ne 1 ]] || true"),
                Arguments.of("let in $( )", "echo $(let \"x = ${{ params.v }}\"; echo done)"),
                Arguments.of("let in backquotes", "echo `let \"x = ${{ params.v }}\"`"),
                Arguments.of("command declare -i", "command declare -i x=\"${{ params.v }}\""),
                Arguments.of("a command substitution in [[ -eq ]]", "[[ $(echo ${{ params.v }}) -eq 1 ]] || true"));
    }

    /** The value of {@code v}: the command in the subscript creates {@code marker}. */
    private String malicious(Path marker) {
        return "a[$(touch " + marker + ")]";
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("arithmeticContexts")
    void aStringTemplateInAnArithmeticContextIsRejectedBecauseBashWouldRunIt(String context, String script) throws Exception {
        Path marker = dir.resolve("marker");
        // the context is dangerous: the value as a quoted variable there runs the command
        String naive = script.replace("${{ params.v }}", "${V}");
        run(naive, Map.of("V", malicious(marker)));
        assertThat(marker).as("bash runs a[$(...)] in " + context).exists();
        Files.delete(marker);

        JsonNode request = JobNormalizer.applyParams(yaml(script, "str"), Map.of("v", malicious(marker)));
        List<Problem> problems = validator.validate(request, PROVIDERS);

        assertThat(problems).extracting(Problem::path).containsExactly("$.tasks[0].script");
        assertThat(problems.get(0).message()).contains("'${{ params.v }}'").contains("arithmetic")
                .contains("type: int").contains("case");
        assertThat(marker).doesNotExist();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("arithmeticContexts")
    void anIntParamInAnArithmeticContextIsAcceptedAndRunsNothing(String context, String script) throws Exception {
        Path marker = dir.resolve("marker");
        JsonNode request = yaml(script, "int");
        assertThat(validator.validate(request, PROVIDERS)).isEmpty();
        TaskSpec task = new JobNormalizer().normalize(request, NOW, () -> "job-1").task("a");
        run(task.command(), task.env());
        assertThat(marker).doesNotExist();

        // the value of an int param cannot be the malicious text: it is rejected at the value
        List<Problem> problems = validator.validate(
                JobNormalizer.applyParams(yaml(script, "int"), Map.of("v", malicious(marker))), PROVIDERS);
        assertThat(problems).extracting(Problem::path).containsExactly("$.params.v.value");
    }

    @Test
    void anIntParamKeepsItsArithmeticMeaning() throws Exception {
        for (String value : List.of("21", "-5", "9223372036854775807")) {
            JsonNode request = JobNormalizer.applyParams(yaml("""
                    echo $(( ${{ params.v }} * 2 )) $(( ${{ params.v }} + 0 ))
                    [[ ${{ params.v }} -ge -5 ]] && echo big-enough
                    """, "int"), Map.of("v", value));
            assertThat(validator.validate(request, PROVIDERS)).isEmpty();
            TaskSpec task = new JobNormalizer().normalize(request, NOW, () -> "job-1").task("a");
            long v = Long.parseLong(value);
            assertThat(run(task.command(), task.env())).isEqualTo((v * 2) + " " + v + "\nbig-enough\n");
        }
    }

    @Test
    void lookalikesThatBashDoesNotEvaluateStayAllowedAndKeepTheValueLiteral() throws Exception {
        Path marker = dir.resolve("marker");
        String value = malicious(marker);
        JsonNode request = JobNormalizer.applyParams(yaml("""
                [[ "${{ params.v }}" == a* ]] && echo matches
                [ "${{ params.v }}" -eq 1 ] 2>/dev/null || echo not-a-number
                test "${{ params.v }}" -gt 0 2>/dev/null || echo still-not
                grep -vF -e "${{ params.v }}" /dev/null || echo grep-ran
                echo "${unset_var:-${{ params.v }}}" ${#V}
                case ${{ params.v }} in ''|*[!0-9]*) echo rejected-by-case ;; esac
                """, "str"), Map.of("v", value));
        assertThat(validator.validate(request, PROVIDERS)).isEmpty();
        TaskSpec task = new JobNormalizer().normalize(request, NOW, () -> "job-1").task("a");

        String out = run(task.command(), task.env());

        assertThat(out).isEqualTo("matches\nnot-a-number\nstill-not\ngrep-ran\n" + value + " 0\nrejected-by-case\n");
        assertThat(marker).doesNotExist();
    }

    @Test
    void everydayScriptsWithTemplatesStayAcceptedAndKeepTheValueLiteral() throws Exception {
        Path marker = dir.resolve("marker");
        String value = malicious(marker);
        JsonNode request = JobNormalizer.applyParams(yaml("""
                x=${{ params.v }}; export Y=${{ params.v }}; echo "$x" "$Y"
                for f in ${{ params.v }} b; do echo "item $f"; done
                if [ -n "${{ params.v }}" ]; then echo non-empty; fi
                arr=(${{ params.v }} "${{ params.v }}"); echo "${#arr[@]} ${arr[1]}"
                f() { local l=${{ params.v }}; printf '%s\n' "$l"; }; f
                [[ ${{ params.v }} =~ ^[0-9]+$ ]] || echo not-digits
                (cd / && echo "sub ${{ params.v }}")
                echo $((1 + 2)) ${{ params.v }}
                cat <<EOF
                doc ${{ params.v }} $((2 * 2))
                EOF
                """, "str"), Map.of("v", value));
        assertThat(validator.validate(request, PROVIDERS)).isEmpty();
        TaskSpec task = new JobNormalizer().normalize(request, NOW, () -> "job-1").task("a");

        String out = run(task.command(), task.env());

        String v = value;
        assertThat(out).isEqualTo(v + " " + v + "\nitem " + v + "\nitem b\nnon-empty\n2 " + v + "\n" + v + "\nnot-digits\n"
                + "sub " + v + "\n3 " + v + "\ndoc " + v + " 4\n");
        assertThat(marker).doesNotExist();
    }

    @Test
    void aDdeutilBashStageWithATemplateInArithmeticIsRejectedAtTheStage(@TempDir Path store) throws Exception {
        SubmissionService service = new SubmissionService(reader, validator, new JobNormalizer(),
                new FileObjectStore(store), PROVIDERS);
        String file = """
                params:
                  n: %s
                jobs:
                  j:
                    stages:
                      - bash: |
                          if [[ ${{ params.n }} -eq 1 ]]; then echo one; fi
                """;
        SubmissionService.Outcome rejected = service.submit(record(file.formatted("{type: str, default: '1'}"), "1"));
        assertThat(rejected).isInstanceOf(SubmissionService.Rejected.class);
        assertThat(((SubmissionService.Rejected) rejected).problems()).extracting(Problem::path)
                .containsExactly("$.jobs.j.stages[0].bash");

        SubmissionService.Outcome accepted = service.submit(record(file.formatted("{type: int, default: 1}"), "2"));
        assertThat(accepted).isInstanceOf(SubmissionService.Accepted.class);
    }

    private static SubmissionService.Record record(String text, String offset) {
        return new SubmissionService.Record(text.getBytes(StandardCharsets.UTF_8), null, "conveyor.requests/0/" + offset, NOW);
    }

    /** A one-task request whose script is {@code script}, with param {@code v} of {@code type} (default 1). */
    private JsonNode yaml(String script, String type) throws UnreadableRequestException {
        StringBuilder indented = new StringBuilder();
        for (String line : script.split("\n", -1)) {
            indented.append("      ").append(line).append('\n');
        }
        return reader.read(("params: {v: {type: " + type + ", default: " + ("int".equals(type) ? "1" : "x") + "}}\n"
                + "tasks:\n  - id: a\n    script: |\n" + indented).getBytes(StandardCharsets.UTF_8));
    }

    private String run(String script, Map<String, String> env) throws IOException, InterruptedException {
        Path work = Files.createTempDirectory(dir, "work-");
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", script).directory(work.toFile()).redirectErrorStream(true);
        Map<String, String> clean = new HashMap<>(env);
        clean.put("PATH", "/usr/bin:/bin");
        pb.environment().clear();
        pb.environment().putAll(clean);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).as(out).isTrue();
        return out;
    }
}
