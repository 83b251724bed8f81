package dev.conveyor.submission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.conveyor.model.Problem;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

class JsonSchemasTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final JsonSchemas schemas = new JsonSchemas();

    @Test
    void theRequestSchemaIsAValid2020_12SchemaWithItsId() {
        JsonNode document = schemas.document("job-request");
        assertThat(document.get("$schema").asText()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
        assertThat(document.get("$id").asText()).isEqualTo("https://conveyor.dev/schemas/job-request.schema.json");
        assertThat(schemas.schema("job-request.schema.json")).isSameAs(schemas.schema("job-request"));
    }

    @Test
    void reportsProblemsWithJsonPaths() throws Exception {
        List<Problem> problems = schemas.validate("job-request",
                MAPPER.readTree("{\"tasks\":[{\"id\":\"a\",\"command\":\"x\",\"needs\":[1]}],\"labels\":{\"my-label\":2}}"));
        assertThat(problems).extracting(Problem::path, Problem::message).containsExactly(
                tuple("$.tasks[0].needs[0]", "must be a string, got an integer"),
                tuple("$.labels['my-label']", "must be a string, got an integer"));
    }

    @Test
    void unknownSchemaIsAnError() {
        assertThatThrownBy(() -> schemas.validate("no-such", MAPPER.createObjectNode()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("schemas/no-such.schema.json");
    }

    @Test
    void validatesConcurrently() throws Exception {
        JsonSchemas fresh = new JsonSchemas();
        JsonNode bad = MAPPER.readTree("{\"tasks\":[{\"id\":\"a\"}]}");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<List<Problem>>> calls = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                calls.add(() -> fresh.validate("job-request", bad));
            }
            for (Future<List<Problem>> result : pool.invokeAll(calls)) {
                assertThat(result.get()).extracting(Problem::path).containsExactly("$.tasks[0].command");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void pathsRoundTripThroughParse() {
        String path = JsonPaths.property(JsonPaths.index(JsonPaths.property(JsonPaths.ROOT, "tasks"), 3), "it's-odd");
        assertThat(path).isEqualTo("$.tasks[3]['it\\'s-odd']");
        assertThat(JsonPaths.parse(path)).containsExactly("tasks", 3, "it's-odd");
    }
}
