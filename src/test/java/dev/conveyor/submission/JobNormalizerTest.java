package dev.conveyor.submission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.conveyor.model.InputSpec;
import dev.conveyor.model.JobSpec;
import dev.conveyor.model.OutputSpec;
import dev.conveyor.model.OutputSpec.When;
import dev.conveyor.model.RunsOn;
import dev.conveyor.model.TaskSpec;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JobNormalizerTest {

    private static final Instant NOW = Instant.parse("2026-11-21T07:30:00Z");
    private final RequestReader reader = new RequestReader();
    private final RequestValidator validator = new RequestValidator(new JsonSchemas());
    private final JobNormalizer normalizer = new JobNormalizer();

    private JsonNode valid(String yaml) throws UnreadableRequestException {
        JsonNode request = reader.read(yaml.getBytes(StandardCharsets.UTF_8));
        assertThat(validator.validate(request, Set.of("local", "noop"))).isEmpty();
        return request;
    }

    @Test
    void aMinimalRequestGetsEveryDefault() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        JobSpec job = normalizer.normalize(valid("tasks: [{id: a, command: 'true'}]"), NOW,
                () -> "job-" + calls.incrementAndGet());

        assertThat(calls).hasValue(1);
        assertThat(job.id()).isEqualTo("job-1");
        assertThat(job.name()).isEqualTo("job-1");
        assertThat(job.params()).isEmpty();
        assertThat(job.runsOn()).isEqualTo(new RunsOn("local", Map.of()));
        assertThat(job.timeoutSeconds()).isZero();
        assertThat(job.labels()).isEmpty();
        assertThat(job.submittedAt()).isEqualTo(NOW);
        assertThat(job.tasks()).containsExactly(
                new TaskSpec("a", "true", Map.of(), List.of(), List.of(), List.of(), 0, 0, null));
    }

    @Test
    void aFullRequestIsNormalised() throws Exception {
        JobSpec job = normalizer.normalize(valid("""
                id: nightly-1
                name: nightly
                params: {greeting: hi, count: 3}
                runsOn: {type: noop, with: {poolId: p1}}
                timeout: 1h30m
                labels: {team: data}
                tasks:
                  - id: a
                    script: |
                      echo "$NAME" > greeting.txt
                    env: {NAME: value, COUNT: 3, RATIO: 1.5, DEBUG: true}
                    inputs: [{path: ./data//in.txt, content: hello}, {path: x.csv, source: "https://e.com/x.csv"}]
                    outputs: ["*.txt", {pattern: "report/**", when: always}, {pattern: "log/*"}]
                    retries: 2
                    timeout: 30s
                    image: python:3.12
                  - {id: b, command: 'true', needs: [a], timeout: PT2M}
                  - {id: c, command: 'true', timeout: 1.2}
                """), NOW, () -> {
            throw new AssertionError("must not generate an id when the request has one");
        });

        assertThat(job.id()).isEqualTo("nightly-1");
        assertThat(job.name()).isEqualTo("nightly");
        assertThat(job.params()).containsOnlyKeys("greeting", "count");
        assertThat(job.params().get("count").isInt()).isTrue();
        assertThat(job.runsOn()).isEqualTo(new RunsOn("noop", Map.of("poolId", "p1")));
        assertThat(job.timeoutSeconds()).isEqualTo(5400);
        assertThat(job.labels()).containsExactly(Map.entry("team", "data"));

        TaskSpec a = job.task("a");
        assertThat(a.command()).isEqualTo("echo \"$NAME\" > greeting.txt\n");
        assertThat(a.env()).containsExactly(Map.entry("NAME", "value"), Map.entry("COUNT", "3"),
                Map.entry("RATIO", "1.5"), Map.entry("DEBUG", "true"));
        assertThat(a.inputs()).containsExactly(new InputSpec("data/in.txt", "hello", null),
                new InputSpec("x.csv", null, "https://e.com/x.csv"));
        assertThat(a.outputs()).containsExactly(new OutputSpec("*.txt", When.SUCCESS),
                new OutputSpec("report/**", When.ALWAYS), new OutputSpec("log/*", When.SUCCESS));
        assertThat(a.retries()).isEqualTo(2);
        assertThat(a.timeoutSeconds()).isEqualTo(30);
        assertThat(a.image()).isEqualTo("python:3.12");
        assertThat(job.task("b").needs()).containsExactly("a");
        assertThat(job.task("b").timeoutSeconds()).isEqualTo(120);
        assertThat(job.task("c").timeoutSeconds()).isEqualTo(2);
    }

    @Test
    void theJobIsImmutable() throws Exception {
        JobSpec job = normalizer.normalize(valid("labels: {a: b}\ntasks: [{id: a, command: x, env: {A: b}, needs: []}]"), NOW, () -> "j");
        assertThatThrownBy(() -> job.labels().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> job.tasks().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> job.task("a").env().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> job.task("a").needs().add("z")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> job.params().put("p", null)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void examplesNormalise() throws Exception {
        JobSpec chain = normalizer.normalize(reader.read(Files.readAllBytes(Path.of("examples", "chain.yaml"))), NOW, () -> "job-x");
        assertThat(chain.tasks()).extracting(TaskSpec::id).containsExactly("produce", "transform", "summarize");
        assertThat(chain.task("summarize").needs()).containsExactly("transform");
        JobSpec hello = normalizer.normalize(reader.read(Files.readAllBytes(Path.of("examples", "hello.json"))), NOW, () -> "job-y");
        assertThat(hello.task("say-hello").outputs()).containsExactly(new OutputSpec("greeting.txt", When.SUCCESS));
        assertThat(hello.task("say-hello").env()).containsKey("GREETING");
    }

    @Test
    void applyParamsOverridesAndKeepsNumbersAndBooleansTyped() throws Exception {
        JsonNode request = reader.read("{\"params\":{\"greeting\":\"hi\",\"keep\":1},\"tasks\":[]}".getBytes(StandardCharsets.UTF_8));
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("greeting", "hello world");
        overrides.put("count", "3");
        overrides.put("ratio", "-1.5");
        overrides.put("debug", "true");
        overrides.put("zip", "007");
        overrides.put("nothing", "null");
        overrides.put("list", "[1]");
        overrides.put("padded", " 4");
        overrides.put("pair", "1 2");
        overrides.put("empty", "");

        JsonNode applied = JobNormalizer.applyParams(request, overrides);
        JsonNode params = applied.get("params");

        assertThat(params.get("greeting").asText()).isEqualTo("hello world");
        assertThat(params.get("keep").asInt()).isEqualTo(1);
        assertThat(params.get("count").isIntegralNumber()).isTrue();
        assertThat(params.get("count").asInt()).isEqualTo(3);
        assertThat(params.get("ratio").isNumber()).isTrue();
        assertThat(params.get("ratio").asDouble()).isEqualTo(-1.5);
        assertThat(params.get("debug").isBoolean()).isTrue();
        for (String asString : List.of("zip", "nothing", "list", "padded", "pair", "empty")) {
            assertThat(params.get(asString).isTextual()).as(asString).isTrue();
            assertThat(params.get(asString).asText()).isEqualTo(overrides.get(asString));
        }
        assertThat(request.at("/params/greeting").asText()).as("the request is not modified").isEqualTo("hi");
    }

    @Test
    void applyParamsCreatesParamsWhenAbsent() {
        JsonNode request = JsonNodeFactory.instance.objectNode().put("name", "x");
        JsonNode applied = JobNormalizer.applyParams(request, Map.of("n", "1"));
        assertThat(applied.at("/params/n").asInt()).isEqualTo(1);
        assertThat(request.has("params")).isFalse();
    }
}
