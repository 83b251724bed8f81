package dev.conveyor.submission;

import dev.conveyor.testing.TestDirs;
import com.fasterxml.jackson.databind.JsonNode;
import dev.conveyor.model.JobSpec;
import dev.conveyor.model.OutputRef;
import dev.conveyor.model.OutputSpec;
import dev.conveyor.model.Problem;
import dev.conveyor.model.TaskSpec;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class TemplateTest {

    private static final Instant NOW = Instant.parse("2026-11-21T07:30:00Z");
    private static final String INJECTION = "$(rm -rf ~); echo pwned `id` \"quoted\" 'single' \\ ${HOME} *";
    private final RequestReader reader = new RequestReader();
    private final RequestValidator validator = new RequestValidator(new JsonSchemas());

    private JsonNode yaml(String text) throws UnreadableRequestException {
        return reader.read(text.getBytes(StandardCharsets.UTF_8));
    }

    private List<Problem> problems(String yaml) throws UnreadableRequestException {
        return validator.validate(yaml(yaml), Set.of("local", "noop"));
    }

    private JobSpec normalise(JsonNode request) {
        assertThat(validator.validate(request, Set.of("local", "noop"))).isEmpty();
        return new JobNormalizer().normalize(request, NOW, () -> "job-1");
    }

    @Test
    void aTemplateInTheCommandBecomesAQuotedEnvReferenceAndTheValueStaysLiteral() throws Exception {
        JsonNode request = JobNormalizer.applyParams(yaml("""
                params: {evil: {type: str, default: x}, n: 3}
                tasks:
                  - id: a
                    command: echo ${{ params.evil }} > out.txt && echo "n=${{params.n}}" && echo '${{ params.evil }}'
                """), Map.of("evil", INJECTION));
        TaskSpec a = normalise(request).task("a");

        assertThat(a.command()).isEqualTo(
                "echo \"${CONVEYOR_T_0}\" > out.txt && echo \"n=${CONVEYOR_T_1}\" && echo ''\"${CONVEYOR_T_0}\"''");
        assertThat(a.command()).doesNotContain("rm -rf").doesNotContain("pwned");
        assertThat(a.env()).containsEntry("CONVEYOR_T_0", INJECTION).containsEntry("CONVEYOR_T_1", "3");
    }

    @Test
    void theShellReceivesTheInjectionStringAsLiteralText() throws Exception {
        JsonNode request = JobNormalizer.applyParams(yaml("""
                params: {evil: {type: str, default: x}}
                tasks:
                  - id: a
                    script: |
                      printf '%s|' ${{ params.evil }} "in double: ${{ params.evil }}" 'in single: ${{ params.evil }}'
                      printf '%s|' "$(printf '%s' "${{ params.evil }}")"
                      printf '%s|' "$(cat <<< ${{ params.evil }})"
                      cat <<EOF
                      heredoc: ${{ params.evil }}
                      EOF
                """), Map.of("evil", INJECTION));
        TaskSpec a = normalise(request).task("a");

        String stdout = run("bash", a.command(), a.env());

        String v = INJECTION;
        assertThat(stdout).isEqualTo(v + "|in double: " + v + "|in single: " + v + "|" + v + "|" + v + "|heredoc: " + v + "\n");
    }

    private static String run(String command, Map<String, String> env) throws IOException, InterruptedException {
        return run("sh", command, env);
    }

    private static String run(String shell, String command, Map<String, String> env) throws IOException, InterruptedException {
        // In a folder of its own under target/tmp: commands under test may write files (never into the sources).
        java.nio.file.Path dir = TestDirs.create("template-test-");
        ProcessBuilder pb = new ProcessBuilder(shell, "-c", command).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().put("PATH", "/usr/bin:/bin");
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    @Test
    void envValuesAndOutputPatternsGetValuesAsText() throws Exception {
        TaskSpec a = normalise(yaml("""
                params: {day: {type: str, default: 2026-11-21}, n: 3, cfg: {type: map, default: {host: h1}}, flag: true}
                tasks:
                  - id: a
                    command: 'true'
                    env: {DAY: "day=${{ params.day }}", HOST: "${{ params.cfg.host }}", MISSING: "[${{ params.cfg.port }}]", ALL: "${{ params.cfg }}", F: "${{ params.flag }}"}
                    outputs: ["report-${{ params.day }}.txt", {pattern: "logs/${{ params.n }}/*", when: always}]
                """)).task("a");
        assertThat(a.env()).containsExactly(Map.entry("DAY", "day=2026-11-21"), Map.entry("HOST", "h1"),
                Map.entry("MISSING", "[]"), Map.entry("ALL", "{\"host\":\"h1\"}"), Map.entry("F", "true"));
        assertThat(a.outputs()).containsExactly(new OutputSpec("report-2026-11-21.txt", OutputSpec.When.SUCCESS),
                new OutputSpec("logs/3/*", OutputSpec.When.ALWAYS));
    }

    @Test
    void upstreamOutputsBecomeEnvVariablesTheProviderFillsIn() throws Exception {
        JobSpec job = normalise(yaml("""
                tasks:
                  - {id: build, command: 'true'}
                  - {id: test, command: 'true', needs: [build]}
                  - id: deploy
                    needs: [test]
                    command: deploy --version ${{ needs.build.outputs.version }} --report "${{ needs.test.outputs.report-url }}" ${{ needs.build.outputs.version }}
                """));
        TaskSpec deploy = job.task("deploy");
        assertThat(deploy.command()).isEqualTo("deploy --version \"${CONVEYOR_NEEDS_BUILD_VERSION}\" --report "
                + "\"${CONVEYOR_NEEDS_TEST_REPORT_URL}\" \"${CONVEYOR_NEEDS_BUILD_VERSION}\"");
        assertThat(deploy.outputRefs()).containsExactly(
                new OutputRef("build", "version", "CONVEYOR_NEEDS_BUILD_VERSION"),
                new OutputRef("test", "report-url", "CONVEYOR_NEEDS_TEST_REPORT_URL"));
        assertThat(deploy.env()).isEmpty();
        assertThat(job.task("build").outputRefs()).isEmpty();
    }

    @Test
    void unknownAndBrokenTemplatesAreRejectedWithExactPaths() throws Exception {
        List<Problem> problems = problems("""
                params: {day: x, count: {type: int, default: 1}}
                tasks:
                  - {id: build, command: 'true'}
                  - {id: other, command: 'true'}
                  - id: t
                    needs: [build]
                    command: echo ${{ params.dayy }} ${{ matrix.os }}
                    env: {A: "${{ needs.build.outputs.v }}", B: "${{ params.day", C: "${{ env.HOME }}", D: "${{ params.day | upper }}"}
                    outputs: ["${{ params.nope }}/x", {pattern: "../${{ params.day }}"}]
                  - {id: u, needs: [build], command: "x ${{ needs.other.outputs.v }} ${{ needs.ghost.outputs.v }}"}
                  - {id: w, command: "cat <<'EOF'\\n${{ params.day }}\\nEOF\\n"}
                  - {id: y, command: "${{ needs.y.outputs.k }} ${{ }}"}
                  - {id: z, command: "${{ needs.z.outputs.k }}"}
                """);
        assertThat(problems).extracting(Problem::path).containsExactly(
                "$.tasks[2].command",
                "$.tasks[2].env.A",
                "$.tasks[2].env.B",
                "$.tasks[2].env.C",
                "$.tasks[2].env.D",
                "$.tasks[2].outputs[0]",
                "$.tasks[2].outputs[1].pattern",
                "$.tasks[3].command",
                "$.tasks[4].command",
                "$.tasks[5].command",
                "$.tasks[6].command");
        assertThat(problems).extracting(Problem::message).satisfiesExactly(
                m -> assertThat(m).contains("'${{ params.dayy }}': unknown param 'dayy'; did you mean 'day'?")
                        .contains("'${{ matrix.os }}': task 't' has no matrix strategy"),
                m -> assertThat(m).contains("known only when the task runs"),
                m -> assertThat(m).contains("is not closed with '}}'"),
                m -> assertThat(m).contains("'${{ env.HOME }}' is not a template Conveyor knows"),
                m -> assertThat(m).contains("filters and functions are not supported"),
                m -> assertThat(m).contains("unknown param 'nope'"),
                m -> assertThat(m).contains("'..").contains("inside the task's working directory"),
                m -> assertThat(m).contains("unknown task 'ghost'"),
                m -> assertThat(m).contains("quoted here-document"),
                m -> assertThat(m).isEqualTo("the template '${{ }}' at character 26 is empty"),
                m -> assertThat(m).contains("cannot read its own outputs"));
        // 'other' exists but u does not need it: reported separately at the same path is impossible,
        // so check it on its own
        assertThat(problems("""
                tasks:
                  - {id: build, command: 'true'}
                  - {id: other, command: 'true'}
                  - {id: u, needs: [build], command: "x ${{ needs.other.outputs.v }}"}
                """)).extracting(Problem::path, Problem::message).containsExactly(tuple("$.tasks[2].command",
                "reads outputs of 'other', which task 'u' does not need (directly or through the tasks it needs); add it to its needs"));
    }

    @Test
    void aTemplateInsideArithmeticIsRejectedAndArithmeticElsewhereStillWorks() throws Exception {
        assertThat(problems("""
                params: {n: 1}
                tasks: [{id: a, command: "echo $(( ${{ params.n }} + 1 ))"}]
                """)).extracting(Problem::path).containsExactly("$.tasks[0].command");
        TaskSpec a = normalise(yaml("""
                params: {n: 1}
                tasks:
                  - id: a
                    command: >-
                      echo $(( (2 + 3) * 2 )) $(echo ${{ params.n }}) "$((1))${{ params.n }}"
                """)).task("a");
        assertThat(a.command()).isEqualTo("echo $(( (2 + 3) * 2 )) $(echo \"${CONVEYOR_T_0}\") \"$((1))${CONVEYOR_T_0}\"");
        assertThat(run(a.command(), a.env())).isEqualTo("10 1 11\n");
    }

    @Test
    void aTemplateAfterABackslashOrInAHereDocumentDelimiterIsRejectedNotLeftRaw() throws Exception {
        assertThat(problems("""
                params: {n: 1}
                tasks:
                  - {id: a, command: "echo \\\\${{ params.n }}"}
                  - {id: b, command: "cat <<${{ params.n }}\\nx\\n1\\n"}
                """)).extracting(Problem::path, Problem::message).containsExactly(
                tuple("$.tasks[0].command", "'${{ params.n }}' follows a backslash or is part of a here-document delimiter, "
                        + "where it cannot be replaced safely; remove the backslash or move the template"),
                tuple("$.tasks[1].command", "'${{ params.n }}' follows a backslash or is part of a here-document delimiter, "
                        + "where it cannot be replaced safely; remove the backslash or move the template"));
    }

    @Test
    void upstreamOutputsOfTransitiveNeedsAreAllowed() throws Exception {
        assertThat(problems("""
                tasks:
                  - {id: a, command: 'true'}
                  - {id: b, command: 'true', needs: [a]}
                  - {id: c, command: 'true', needs: [b]}
                  - {id: d, command: "echo ${{ needs.a.outputs.x }}", needs: [c]}
                """)).isEmpty();
    }

    @Test
    void theInjectionExampleFromTheReadmeIsLiteral() throws Exception {
        Path dir = TestDirs.create("conveyor-template");
        try {
            TaskSpec a = normalise(JobNormalizer.applyParams(yaml("""
                    params: {who: {type: str, default: world}}
                    tasks: [{id: a, command: "echo hello ${{ params.who }} > greeting.txt; cat greeting.txt"}]
                    """), Map.of("who", "$(touch " + dir.resolve("pwned") + "); echo pwned"))).task("a");
            String out = run(a.command(), a.env());
            assertThat(out).isEqualTo("hello $(touch " + dir.resolve("pwned") + "); echo pwned\n");
            assertThat(dir.resolve("pwned")).doesNotExist();
        } finally {
            Files.deleteIfExists(dir.resolve("pwned"));
            Files.deleteIfExists(dir);
        }
    }
}
