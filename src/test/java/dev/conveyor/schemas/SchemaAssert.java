package dev.conveyor.schemas;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.conveyor.model.Json;
import dev.conveyor.model.Problem;
import dev.conveyor.submission.JsonSchemas;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Checks messages against the published schemas ({@code schemas/<name>.schema.json}), e.g.
 * {@code SchemaAssert.assertValid("job-result", json)}. One shared, thread-safe {@link JsonSchemas}.
 */
public final class SchemaAssert {
    private static final JsonSchemas SCHEMAS = new JsonSchemas();

    private SchemaAssert() {
    }

    /** Fails with every problem and the JSON itself unless {@code json} is valid against {@code schemaName}. */
    public static void assertValid(String schemaName, String json) {
        List<Problem> problems = problems(schemaName, json);
        if (!problems.isEmpty()) {
            throw new AssertionError("not a valid " + schemaName + " message ("
                    + problems.size() + (problems.size() == 1 ? " problem" : " problems") + "):\n"
                    + problems.stream().map(p -> "  " + p.path() + ": " + p.message()).collect(Collectors.joining("\n"))
                    + "\nin:\n" + json);
        }
    }

    /** Serialises {@code message} with {@link Json#MAPPER} (as the service does) and checks it. */
    public static void assertValidMessage(String schemaName, Object message) {
        assertValid(schemaName, Json.write(message));
    }

    /** Every problem {@code json} has against {@code schemaName}; empty when valid. */
    public static List<Problem> problems(String schemaName, String json) {
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new AssertionError("not JSON (" + e.getOriginalMessage() + "):\n" + json, e);
        }
        return SCHEMAS.validate(schemaName, node);
    }
}
