package dev.conveyor.submission;

import com.fasterxml.jackson.databind.JsonNode;
import dev.conveyor.model.JobSpec;
import dev.conveyor.model.Problem;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class RequestParamsTest {

    private static final Instant NOW = Instant.parse("2026-11-21T07:30:00Z");
    private final RequestReader reader = new RequestReader();
    private final RequestValidator validator = new RequestValidator(new JsonSchemas());

    private JsonNode yaml(String text) throws UnreadableRequestException {
        return reader.read(text.getBytes(StandardCharsets.UTF_8));
    }

    private List<Problem> problems(JsonNode request) {
        return validator.validate(request, Set.of("local", "noop"));
    }

    private JobSpec normalise(JsonNode request) {
        assertThat(problems(request)).isEmpty();
        return new JobNormalizer().normalize(request, NOW, () -> "job-1");
    }

    @Test
    void declaredParamsResolveToValueElseDefault() throws Exception {
        JobSpec job = normalise(yaml("""
                params:
                  who: world                                  # plain value, as before
                  count: {type: int, default: 3}
                  ratio: {type: float, default: 1, description: a ratio}
                  debug: {type: bool, default: false, value: true}
                  tags: {type: list, default: [a, b]}
                  cfg: {type: map, default: {host: h, type: x}}
                  optional: {type: str, required: false}
                  nested: {a: [1, 2]}
                tasks: [{id: a, command: 'true'}]
                """));
        assertThat(job.params()).containsOnlyKeys("who", "count", "ratio", "debug", "tags", "cfg", "nested");
        assertThat(job.params().get("who").asText()).isEqualTo("world");
        assertThat(job.params().get("count").isInt()).isTrue();
        assertThat(job.params().get("count").asInt()).isEqualTo(3);
        assertThat(job.params().get("ratio").asInt()).isEqualTo(1);
        assertThat(job.params().get("debug").asBoolean()).isTrue();
        assertThat(job.params().get("tags")).hasSize(2);
        assertThat(job.params().get("cfg").path("type").asText()).isEqualTo("x");
        assertThat(job.params().get("nested").path("a")).hasSize(2);
    }

    @Test
    void wrongTypesAndMissingRequiredParamsAreRejectedWithExactPaths() throws Exception {
        List<Problem> problems = problems(yaml("""
                params:
                  count: {type: int, default: three}
                  ratio: {type: float, value: "1.5"}
                  flag: {type: bool, default: 1}
                  tags: {type: list, default: a}
                  cfg: {type: map, value: [1]}
                  name: {type: str, value: 7}
                  needed: {type: str}
                  whole: {type: int, default: 1.5}
                  odd: {type: string}
                  typo: {type: str, defualt: x}
                tasks: [{id: a, command: 'true'}]
                """));
        assertThat(problems).extracting(Problem::path).containsExactly(
                "$.params.count.default",
                "$.params.ratio.value",
                "$.params.flag.default",
                "$.params.tags.default",
                "$.params.cfg.value",
                "$.params.name.value",
                "$.params.needed",
                "$.params.whole.default",
                "$.params.odd.type",
                "$.params.typo.defualt");
        assertThat(problems.get(0).message()).isEqualTo(
                "must be a whole number (param 'count' has type int), got a string 'three'");
        assertThat(problems.get(1).message()).contains("must be a number").contains("got a string '1.5'");
        assertThat(problems.get(6).message()).contains("param 'needed' is required but has no value")
                .contains("--param needed=");
        assertThat(problems.get(8).message()).contains("str, int, float, bool, list, map");
        assertThat(problems.get(9).message()).contains("unknown property 'defualt'").contains("did you mean 'default'");
    }

    @Test
    void cliParamsAreTypedByTheDeclaredType() throws Exception {
        JsonNode request = yaml("""
                params:
                  count: {type: int, default: 1}
                  ratio: {type: float, default: 1.0}
                  debug: {type: bool, default: false}
                  label: {type: str, default: x}
                  tags: {type: list, default: []}
                  cfg: {type: map, default: {}}
                  needed: {type: str}
                  plain: 1
                tasks: [{id: a, command: 'true'}]
                """);
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("count", "3");
        overrides.put("ratio", "2.5");
        overrides.put("debug", "TRUE");
        overrides.put("label", "007");
        overrides.put("tags", "[\"a\", 2]");
        overrides.put("cfg", "{\"k\": \"v\"}");
        overrides.put("needed", "given");
        overrides.put("plain", "2");
        overrides.put("extra", "true");

        JobSpec job = normalise(JobNormalizer.applyParams(request, overrides));

        assertThat(job.params().get("count").isInt()).isTrue();
        assertThat(job.params().get("count").asInt()).isEqualTo(3);
        assertThat(job.params().get("ratio").asDouble()).isEqualTo(2.5);
        assertThat(job.params().get("debug").isBoolean()).isTrue();
        assertThat(job.params().get("debug").asBoolean()).isTrue();
        assertThat(job.params().get("label").isTextual()).as("a str stays text, even when it looks like a number").isTrue();
        assertThat(job.params().get("label").asText()).isEqualTo("007");
        assertThat(job.params().get("tags").get(1).asInt()).isEqualTo(2);
        assertThat(job.params().get("cfg").path("k").asText()).isEqualTo("v");
        assertThat(job.params().get("needed").asText()).isEqualTo("given");
        assertThat(job.params().get("plain").asInt()).isEqualTo(2);
        assertThat(job.params().get("extra").asBoolean()).isTrue();
        assertThat(request.at("/params/count/value").isMissingNode()).as("the request is not modified").isTrue();
    }

    @Test
    void aCliValueThatDoesNotFitTheDeclaredTypeIsRejectedAtTheParamsValue() throws Exception {
        JsonNode request = yaml("""
                params: {count: {type: int, default: 1}, debug: {type: bool, default: false}, tags: {type: list, default: []}}
                tasks: [{id: a, command: 'true'}]
                """);
        JsonNode applied = JobNormalizer.applyParams(request, Map.of("count", "3x", "debug", "yes", "tags", "{}"));
        assertThat(problems(applied)).extracting(Problem::path, Problem::message).containsExactly(
                tuple("$.params.count.value", "must be a whole number (param 'count' has type int), got a string '3x'"),
                tuple("$.params.debug.value", "must be true or false (param 'debug' has type bool), got a string 'yes'"),
                tuple("$.params.tags.value", "must be a list (param 'tags' has type list), got a string '{}'"));
    }
}
