package dev.conveyor.submission;

import com.fasterxml.jackson.databind.JsonNode;
import dev.conveyor.model.Json;
import dev.conveyor.model.Problem;
import dev.conveyor.storage.file.FileObjectStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Values no task could receive (a NUL character, an unpaired UTF-16 surrogate, a number beyond a
 * 64-bit float) are REJECTED at submission with their path, wherever they stand in the request,
 * instead of being accepted and failing later.
 */
class HostileValuesTest {

    private static final Set<String> PROVIDERS = Set.of("local", "noop");
    private final RequestReader reader = new RequestReader();
    private final RequestValidator validator = new RequestValidator(new JsonSchemas());

    @TempDir
    Path store;

    private List<Problem> problems(String text) throws UnreadableRequestException {
        JsonNode request = reader.read(text.getBytes(StandardCharsets.UTF_8));
        return validator.validate(request, PROVIDERS);
    }

    private SubmissionService.Outcome submit(String text) throws Exception {
        SubmissionService service = new SubmissionService(reader, validator, new JobNormalizer(),
                new FileObjectStore(store), PROVIDERS);
        return service.submit(new SubmissionService.Record(text.getBytes(StandardCharsets.UTF_8), "k1",
                "conveyor.requests/0/1", Instant.parse("2026-11-21T07:30:00Z")));
    }

    /** Every problem can be published: no raw NUL or unpaired surrogate in a path or a message. */
    private static void assertPrintable(List<Problem> problems) {
        for (Problem p : problems) {
            assertThat(unsafe(p.path())).as(p.path()).isFalse();
            assertThat(unsafe(p.message())).as(p.message()).isFalse();
        }
    }

    private static boolean unsafe(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == 0 || Character.isLowSurrogate(c)
                    || (Character.isHighSurrogate(c) && (i + 1 == text.length() || !Character.isLowSurrogate(text.charAt(++i))))) {
                return true;
            }
        }
        return false;
    }

    @Test
    void aNulInAnEnvValueIsRejectedAtItsPath() throws Exception {
        List<Problem> problems = problems("{\"tasks\":[{\"id\":\"a\",\"command\":\"true\",\"env\":{\"A\":\"v\\u0000w\"}}]}");
        assertThat(problems).extracting(Problem::path, Problem::message).containsExactly(
                tuple("$.tasks[0].env.A", "contains a NUL character, which no process can receive"));
    }

    @Test
    void aNulInACommandOrScriptIsRejectedInJsonAndYaml() throws Exception {
        assertThat(problems("{\"tasks\":[{\"id\":\"a\",\"command\":\"echo a\\u0000b\"}]}"))
                .extracting(Problem::path).containsExactly("$.tasks[0].command");
        assertThat(problems("tasks: [{id: a, script: \"echo a\\0b\"}]"))
                .extracting(Problem::path).containsExactly("$.tasks[0].script");
    }

    @Test
    void aNulAnywhereElseIsRejectedToo() throws Exception {
        List<Problem> problems = problems("""
                {"name": "n\\u0000", "labels": {"team": "d\\u0000"},
                 "params": {"p": "x\\u0000", "q": {"type": "str", "default": "\\u0000"}},
                 "tasks": [{"id": "a", "command": "true",
                            "inputs": [{"path": "in\\u0000.txt", "content": "c"}, {"path": "b", "source": "https://h/\\u0000"}],
                            "outputs": ["o\\u0000*"]}]}
                """);
        assertThat(problems).extracting(Problem::path).containsExactly(
                "$.name", "$.labels.team", "$.params.p", "$.params.q.default",
                "$.tasks[0].inputs[0].path", "$.tasks[0].inputs[1].source", "$.tasks[0].outputs[0]");
        assertThat(problems).extracting(Problem::message).allMatch(m -> m.contains("NUL character"));
    }

    @Test
    void aNulInAPropertyNameIsRejectedWithAPrintablePath() throws Exception {
        List<Problem> problems = problems("{\"labels\":{\"a\\u0000b\":\"x\"},\"tasks\":[{\"id\":\"a\",\"command\":\"true\"}]}");
        assertThat(problems).extracting(Problem::path, Problem::message).containsExactly(
                tuple("$.labels['a\\u0000b']", "its name contains a NUL character, which no process can receive"));
        assertPrintable(problems);
    }

    @Test
    void anUnpairedSurrogateIsRejectedAndAPairIsNot() throws Exception {
        List<Problem> problems = problems("{\"name\":\"x\\ud800y\",\"tasks\":[{\"id\":\"a\",\"command\":\"echo \\udc00\"}]}");
        assertThat(problems).extracting(Problem::path).containsExactly("$.name", "$.tasks[0].command");
        assertThat(problems).extracting(Problem::message).allMatch(m -> m.contains("unpaired UTF-16 surrogate"));
        assertPrintable(problems);
        assertThat(problems("{\"name\":\"rocket \\ud83d\\ude80\",\"tasks\":[{\"id\":\"a\",\"command\":\"echo 🚀\"}]}")).isEmpty();
        assertThat(problems("name: \"a\\uD800\"\ntasks: [{id: a, command: 'true'}]"))
                .extracting(Problem::path).containsExactly("$.name");
    }

    @Test
    void numbersBeyondAFloatAreRejectedWhereverTheyStand() throws Exception {
        List<Problem> problems = problems("""
                {"params": {"f": {"type": "float", "default": 1e999999}, "g": -1e400, "tiny": 1e-999999},
                 "tasks": [{"id": "a", "command": "true", "retries": 1e999999, "env": {"N": 1e400},
                            "strategy": {"matrix": {"x": [1, 2e400]}, "maxParallel": 1e999999}}]}
                """);
        assertThat(problems).extracting(Problem::path).containsExactly(
                "$.params.f.default", "$.params.g", "$.params.tiny", "$.tasks[0].retries", "$.tasks[0].env.N",
                "$.tasks[0].strategy.matrix.x[1]", "$.tasks[0].strategy.maxParallel");
        assertThat(problems).extracting(Problem::message).allMatch(m -> m.contains("64-bit float"));
        assertThat(problems.get(3).message()).startsWith("1E+999999 is");
    }

    @Test
    void numbersBeyondWhatTheirFieldHoldsAreRejectedNotClamped() throws Exception {
        assertThat(problems("""
                params: {n: {type: int, default: 100000000000000000000}}
                tasks: [{id: a, command: 'true', strategy: {matrix: {x: [1]}, maxParallel: 3000000000}}]
                """)).extracting(Problem::path).containsExactly("$.params.n.default", "$.tasks[0].strategy.maxParallel");
    }

    @Test
    void aYamlNumberBeyondAFloatIsRejectedAtItsPathNotUnreadable() throws Exception {
        SubmissionService.Outcome outcome = submit("tasks: [{id: a, command: 'true', retries: 1e999999}]");
        assertThat(outcome).isInstanceOf(SubmissionService.Rejected.class);
        assertThat(((SubmissionService.Rejected) outcome).problems()).extracting(Problem::path)
                .containsExactly("$.tasks[0].retries");
    }

    @Test
    void theRejectedOutcomeOfHostileTextCanBePublishedAsValidUtf8() throws Exception {
        SubmissionService.Outcome outcome = submit("""
                {"id": "r1", "name": "\\ud800", "tasks": [{"id": "a", "command": "true", "needs": ["x\\udfff\\u0000"]}]}
                """);
        assertThat(outcome).isInstanceOf(SubmissionService.Rejected.class);
        List<Problem> problems = ((SubmissionService.Rejected) outcome).problems();
        assertThat(problems).extracting(Problem::path).containsExactly("$.name", "$.tasks[0].needs[0]");
        assertPrintable(problems);
        byte[] json = Json.bytes(problems);
        assertThat(StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(json)).toString())
                .doesNotContain("\u0000");
    }

    @Test
    void aDdeutilFileWithANulOrASurrogateIsRejectedAtTheFilesOwnPaths() throws Exception {
        SubmissionService.Outcome outcome = submit("""
                desc: "bad \\uDC00"
                jobs:
                  "j\\0ob":
                    stages: [{bash: "echo a"}]
                  load:
                    stages:
                      - {bash: "echo a\\0b"}
                      - {echo: "\\0"}
                """);
        assertThat(outcome).isInstanceOf(SubmissionService.Rejected.class);
        List<Problem> problems = ((SubmissionService.Rejected) outcome).problems();
        assertThat(problems).extracting(Problem::path).contains("$.desc", "$.jobs['j\\u0000ob']",
                "$.jobs.load.stages[0].bash", "$.jobs.load.stages[1].echo");
        assertPrintable(problems);
    }
}
