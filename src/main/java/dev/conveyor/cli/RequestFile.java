package dev.conveyor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.model.Json;
import dev.conveyor.submission.JobIds;
import dev.conveyor.submission.JobNormalizer;
import dev.conveyor.submission.RequestReader;
import dev.conveyor.submission.UnreadableRequestException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * A request file as the client sends it: read (JSON or YAML), {@code --param} values applied, and an
 * id assigned when it has none — so the client knows which job to follow. Validation stays with the
 * service (a bad request gets its REJECTED result like any other).
 */
record RequestFile(String jobId, byte[] body) {

    static RequestFile load(Path file, Map<String, String> params) throws IOException, UnreadableRequestException {
        ObjectNode parsed = new RequestReader().read(Files.readAllBytes(file));
        JsonNode withParams = params.isEmpty() ? parsed : JobNormalizer.applyParams(parsed, params);
        ObjectNode request = (ObjectNode) withParams;
        String id = Optional.ofNullable(JobClient.idOf(request)).orElseGet(() -> new JobIds().newId());
        request.put("id", id);
        return new RequestFile(id, Json.bytes(request));
    }
}
