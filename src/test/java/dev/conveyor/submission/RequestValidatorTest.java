package dev.conveyor.submission;

import com.fasterxml.jackson.databind.JsonNode;
import dev.conveyor.model.Problem;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class RequestValidatorTest {

    private static final JsonSchemas SCHEMAS = new JsonSchemas();
    private static final Set<String> LOCAL_AND_NOOP = Set.of("local", "noop");

    private final RequestValidator validator = new RequestValidator(SCHEMAS);
    private final RequestReader reader = new RequestReader();

    private JsonNode yaml(String text) throws UnreadableRequestException {
        return reader.read(text.getBytes(StandardCharsets.UTF_8));
    }

    private List<Problem> problems(String yaml) throws UnreadableRequestException {
        return validator.validate(yaml(yaml), LOCAL_AND_NOOP);
    }

    private static List<String> paths(List<Problem> problems) {
        return problems.stream().map(Problem::path).toList();
    }

    @Test
    void aMinimalRequestHasNoProblems() throws Exception {
        assertThat(problems("tasks: [{id: a, command: 'true'}]")).isEmpty();
    }

    @Test
    void aFullRequestHasNoProblems() throws Exception {
        assertThat(problems("""
                id: nightly-2026-11-21
                name: nightly
                params: {greeting: hi, count: 3, nested: {a: [1, 2]}}
                runsOn: {type: noop, with: {poolId: p1, key: "${AZURE_BATCH_ACCOUNT_KEY}"}}
                timeout: 1h30m
                labels: {team: data}
                tasks:
                  - id: a
                    command: echo hi > greeting.txt
                    env: {NAME: value, COUNT: 3, DEBUG: true}
                    inputs:
                      - {path: data/in.txt, content: hello}
                      - {path: remote.csv, source: "https://example.com/x.csv"}
                    outputs: ["*.txt", {pattern: "report/**", when: always}]
                    retries: 2
                    timeout: 30s
                    image: python:3.12
                  - id: b
                    script: |
                      cat greeting.txt
                    needs: [a]
                    timeout: PT30S
                  - id: c
                    command: 'true'
                    needs: [a, b]
                    timeout: 90
                """)).isEmpty();
    }

    @Test
    void reportsEveryProblemOfARequestWithExactPaths() throws Exception {
        List<Problem> problems = problems("""
                id: broken
                tasks:
                  - id: fetch
                    env: {"1BAD": x}
                  - id: build
                    command: make
                    needs: [fetch, tset]
                    timeout: 10 minutes
                  - id: fetch
                    command: 'true'
                    comand: oops
                """);
        assertThat(problems).extracting(Problem::path).containsExactly(
                "$.tasks[0].env['1BAD']",
                "$.tasks[0].command",
                "$.tasks[1].needs[1]",
                "$.tasks[1].timeout",
                "$.tasks[2].id",
                "$.tasks[2].comand");
        assertThat(problems).extracting(Problem::message).satisfiesExactly(
                m -> assertThat(m).contains("'1BAD'").contains("environment variable name"),
                m -> assertThat(m).contains("'command' or 'script'"),
                m -> assertThat(m).contains("'tset'").contains("no task"),
                m -> assertThat(m).contains("duration"),
                m -> assertThat(m).contains("duplicate task id 'fetch'").contains("$.tasks[0]"),
                m -> assertThat(m).contains("unknown property 'comand'").contains("did you mean 'command'"));
    }

    @Test
    void reportsTopLevelTypoAndWrongTypes() throws Exception {
        assertThat(problems("nmae: x\ntasks: [{id: a, command: 'true', retries: many}]"))
                .extracting(Problem::path, Problem::message)
                .containsExactly(
                        tuple("$.nmae", "unknown property 'nmae': did you mean 'name'?"),
                        tuple("$.tasks[0].retries", "must be an integer, got a string"));
    }

    @Test
    void reportsMissingTasks() throws Exception {
        assertThat(problems("name: x")).extracting(Problem::path, Problem::message)
                .containsExactly(tuple("$.tasks", "is required but missing"));
        assertThat(problems("tasks: []")).extracting(Problem::path).containsExactly("$.tasks");
    }

    @Test
    void reportsACycleAtTheNeedThatClosesIt() throws Exception {
        List<Problem> problems = problems("""
                tasks:
                  - {id: a, command: 'true', needs: [b]}
                  - {id: b, command: 'true', needs: [c]}
                  - {id: c, command: 'true', needs: [a]}
                """);
        assertThat(problems).hasSize(1);
        assertThat(problems.get(0).path()).isEqualTo("$.tasks[2].needs[0]");
        assertThat(problems.get(0).message()).contains("a → b → c → a");
    }

    @Test
    void reportsEachIndependentCycleOnce() throws Exception {
        List<Problem> problems = problems("""
                tasks:
                  - {id: a, command: 'true', needs: [b]}
                  - {id: b, command: 'true', needs: [a]}
                  - {id: c, command: 'true', needs: [d]}
                  - {id: d, command: 'true', needs: [c]}
                  - {id: e, command: 'true', needs: [a, c]}
                """);
        assertThat(problems).extracting(Problem::path, Problem::message).containsExactly(
                tuple("$.tasks[1].needs[0]", "dependency cycle: a → b → a; no task of a cycle could ever start"),
                tuple("$.tasks[3].needs[0]", "dependency cycle: c → d → c; no task of a cycle could ever start"));
    }

    @Test
    void handlesALongChainWithoutOverflowingTheStack() throws Exception {
        StringBuilder yaml = new StringBuilder("tasks:\n");
        int n = 5000;
        for (int i = 0; i < n; i++) {
            yaml.append("  - {id: t").append(i).append(", command: 'true'")
                    .append(i > 0 ? ", needs: [t" + (i - 1) + "]" : ", needs: [t" + (n - 1) + "]").append("}\n");
        }
        List<Problem> problems = problems(yaml.toString());
        assertThat(problems).hasSize(1);
        // depth-first from t0: t0 → t4999 → … → t1, whose need t0 closes the cycle
        assertThat(problems.get(0).path()).isEqualTo("$.tasks[1].needs[0]");
        assertThat(problems.get(0).message()).startsWith("dependency cycle: t0 → t4999 → t4998").contains("t1 → t0;");
    }

    @Test
    void reportsATaskNeedingItself() throws Exception {
        assertThat(problems("tasks: [{id: a, command: 'true', needs: [a]}]"))
                .extracting(Problem::path, Problem::message)
                .containsExactly(tuple("$.tasks[0].needs[0]", "task 'a' needs itself; a task cannot wait for its own result"));
    }

    @Test
    void rejectsInputPathsThatEscapeTheWorkingDirectory() throws Exception {
        List<Problem> problems = problems("""
                tasks:
                  - id: a
                    command: 'true'
                    inputs:
                      - {path: ../x, content: a}
                      - {path: data/../../y, content: a}
                      - {path: /etc/passwd, content: a}
                      - {path: ok.txt, content: a}
                """);
        assertThat(paths(problems)).containsExactly(
                "$.tasks[0].inputs[0].path", "$.tasks[0].inputs[1].path", "$.tasks[0].inputs[2].path");
        assertThat(problems.get(0).message()).contains("'../x'").contains("inside the task's working directory");
        assertThat(problems.get(2).message()).contains("absolute");
    }

    @Test
    void rejectsTwoInputsWithTheSamePath() throws Exception {
        assertThat(problems("""
                tasks:
                  - id: a
                    command: 'true'
                    inputs: [{path: data/in.txt, content: a}, {path: ./data//in.txt, source: "file:/tmp/x"}]
                """)).extracting(Problem::path, Problem::message).containsExactly(tuple("$.tasks[0].inputs[1].path",
                "'./data//in.txt' is already the path of $.tasks[0].inputs[0].path; two inputs of a task cannot write the same file"));
    }

    @Test
    void rejectsOutputPatternsOutsideTheWorkingDirectory() throws Exception {
        assertThat(paths(problems("tasks: [{id: a, command: 'true', outputs: [../*.txt, {pattern: /tmp/x}]}]")))
                .containsExactly("$.tasks[0].outputs[0]", "$.tasks[0].outputs[1].pattern");
    }

    @Test
    void reportsAProviderThatIsNotEnabled() throws Exception {
        assertThat(problems("runsOn: {type: aws-batch}\ntasks: [{id: a, command: 'true'}]"))
                .extracting(Problem::path, Problem::message)
                .containsExactly(tuple("$.runsOn.type", "provider 'aws-batch' is not enabled on this service (enabled: local, noop)"));
    }

    @Test
    void reportsTheDefaultProviderWhenLocalIsNotEnabled() throws Exception {
        assertThat(validator.validate(yaml("tasks: [{id: a, command: 'true'}]"), Set.of("azure-batch")))
                .extracting(Problem::path).containsExactly("$.runsOn");
    }

    @Test
    void reportsAnUnknownProviderOnlyOnce() throws Exception {
        assertThat(problems("runsOn: {type: gcp}\ntasks: [{id: a, command: 'true'}]"))
                .extracting(Problem::path, Problem::message)
                .containsExactly(tuple("$.runsOn.type", "must be one of local, noop, azure-batch, aws-batch, got 'gcp'"));
    }

    @Test
    void reportsInvalidDurations() throws Exception {
        List<Problem> problems = problems("""
                timeout: PT
                tasks:
                  - {id: a, command: 'true', timeout: 0s}
                  - {id: b, command: 'true', timeout: -3}
                  - {id: c, command: 'true', timeout: 5 parsecs}
                  - {id: d, command: 'true', timeout: 1h1h}
                """);
        assertThat(paths(problems)).containsExactly(
                "$.timeout", "$.tasks[0].timeout", "$.tasks[1].timeout", "$.tasks[2].timeout", "$.tasks[3].timeout");
        assertThat(problems.get(1).message()).contains("longer than zero");
    }

    @Test
    void reportsMoreTasksThanTheServiceAccepts() throws Exception {
        RequestValidator small = new RequestValidator(SCHEMAS, 2);
        assertThat(small.validate(yaml("tasks: [{id: a, command: x}, {id: b, command: x}, {id: c, command: x}]"), LOCAL_AND_NOOP))
                .extracting(Problem::path, Problem::message)
                .containsExactly(tuple("$.tasks", "has 3 tasks; this service accepts at most 2 per job"));
    }

    @Test
    void reportsReservedEnvNamesAndBothCommandAndScript() throws Exception {
        assertThat(problems("tasks: [{id: a, command: x, script: y, env: {CONVEYOR_JOB: x, OK: [1]}}]"))
                .extracting(Problem::path).containsExactly(
                        "$.tasks[0].script", "$.tasks[0].env.CONVEYOR_JOB", "$.tasks[0].env.OK");
    }

    @Test
    void survivesRequestsOfTheWrongShape() throws Exception {
        assertThat(problems("tasks: 7\nruns0n: x")).extracting(Problem::path).containsExactly("$.tasks", "$.runs0n");
        assertThat(problems("tasks: [1, {id: 2}, {needs: 3}]")).extracting(Problem::path)
                .contains("$.tasks[0]", "$.tasks[1].id", "$.tasks[2].id", "$.tasks[2].needs");
    }

    @Test
    void examplesAreValid() throws Exception {
        for (String example : List.of("hello.yaml", "chain.yaml", "hello.json")) {
            JsonNode request = reader.read(Files.readAllBytes(Path.of("examples", example)));
            assertThat(validator.validate(request, LOCAL_AND_NOOP)).as(example).isEmpty();
        }
    }

    @Test
    void helloJsonIsOneLineAndTheSameRequestAsHelloYaml() throws Exception {
        String json = Files.readString(Path.of("examples", "hello.json")).strip();
        assertThat(json).doesNotContain("\n");
        JsonNode fromJson = reader.read(json.getBytes(StandardCharsets.UTF_8));
        JsonNode fromYaml = reader.read(Files.readAllBytes(Path.of("examples", "hello.yaml")));
        assertThat(fromJson).isEqualTo(fromYaml);
    }
}
