package dev.conveyor.deploy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.zjsonpatch.JsonPatch;
import tools.jackson.databind.json.JsonMapper;

/**
 * RFC 6902 patches through fabric8's zjsonpatch (the library the fabric8 Kubernetes client uses).
 * It speaks Jackson 3 and the rest of the build Jackson 2, so documents cross over as JSON text.
 */
final class JsonPatches {
    private static final JsonMapper JACKSON3 = JsonMapper.builder().build();

    private JsonPatches() {
    }

    static ObjectNode apply(JsonNode patch, ObjectNode document, String where) {
        try {
            tools.jackson.databind.JsonNode result = JsonPatch.apply(
                    JACKSON3.readTree(YamlFiles.JSON.writeValueAsString(patch)),
                    JACKSON3.readTree(YamlFiles.JSON.writeValueAsString(document)));
            return (ObjectNode) YamlFiles.JSON.readTree(JACKSON3.writeValueAsString(result));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(where + ": the patch does not apply: " + e.getMessage(), e);
        }
    }
}
