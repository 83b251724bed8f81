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
import java.util.regex.Pattern;

/**
 * A request file as the client sends it: read (JSON or YAML), {@code --param} values applied, and an
 * id assigned when it has none — so the client knows which job to follow. What the client can tell
 * before publishing (a missing file, one over the size limit, a {@code --param} the request does not
 * declare) is refused here with exit code 2; validating the request stays with the service (a bad
 * request gets its REJECTED result like any other).
 */
record RequestFile(String jobId, byte[] body) {
    /** The job id pattern of {@code schemas/job-request.schema.json} ({@code $.id}). */
    static final Pattern ID_PATTERN = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$");

    /** @throws CliException (exit code 2) when the file cannot be sent as a request */
    static RequestFile load(Path file, Map<String, String> params) {
        ObjectNode parsed = parse(file, readBytes(file));
        DeclaredParams.of(parsed).check(params.keySet());
        ObjectNode request = (ObjectNode) (params.isEmpty() ? parsed : JobNormalizer.applyParams(parsed, params));
        String id = idOf(request);
        if (id == null) {
            id = new JobIds().newId();
            request.put("id", id);
        }
        byte[] body = Json.bytes(request);
        if (body.length > RequestReader.DEFAULT_MAX_BYTES) {
            throw tooLarge(file, body.length, " with its params applied");
        }
        return new RequestFile(id, body);
    }

    /** Every {@code runsOn.type} (or ddeutil {@code runs-on.type}) the request names, anywhere in it. */
    java.util.Set<String> backendTypes() {
        java.util.Set<String> types = new java.util.TreeSet<>();
        collectTypes(Json.read(body, JsonNode.class), types);
        return types;
    }

    private static void collectTypes(JsonNode node, java.util.Set<String> types) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                JsonNode type = e.getValue().path("type");
                if ((e.getKey().equals("runsOn") || e.getKey().equals("runs-on") || e.getKey().equals("runs_on"))
                        && type.isTextual()) {
                    types.add(type.asText().replace('_', '-')); // ddeutil's azure_batch / aws_batch
                }
                collectTypes(e.getValue(), types);
            });
        } else if (node.isArray()) {
            node.forEach(n -> collectTypes(n, types));
        }
    }

    private static byte[] readBytes(Path file) {
        if (!Files.exists(file)) {
            throw CliException.badInput("no such file: " + file);
        }
        if (Files.isDirectory(file)) {
            throw CliException.badInput(file + " is a directory, not a request file");
        }
        try {
            long size = Files.size(file);
            if (size > RequestReader.DEFAULT_MAX_BYTES) {
                throw tooLarge(file, size, "");
            }
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw CliException.badInput("cannot read " + file + ": " + e.getMessage());
        }
    }

    private static ObjectNode parse(Path file, byte[] bytes) {
        try {
            return new RequestReader().read(bytes);
        } catch (UnreadableRequestException e) {
            throw CliException.badInput(file + " is not a job request: " + e.getMessage());
        }
    }

    private static CliException tooLarge(Path file, long size, String how) {
        return CliException.badInput(file + " is " + size + " bytes" + how + "; a request may be at most "
                + RequestReader.DEFAULT_MAX_BYTES + " bytes (4 MiB): pass large data as input files instead");
    }

    /**
     * The request's own {@code id}, or null. An id the service would not take as it is (it would
     * answer under another id, and the client would wait for the wrong one) is refused here.
     */
    static String idOf(JsonNode request) {
        JsonNode id = request.get("id");
        if (id == null || id.isNull()) {
            return null;
        }
        if (!id.isTextual() || !ID_PATTERN.matcher(id.asText()).matches()) {
            throw CliException.badInput("the request's id " + id + " is not a valid job id: 1 to 64 letters, digits, "
                    + "'.', '_' or '-', starting with a letter or digit (or leave it out to get a new one)");
        }
        return id.asText();
    }
}
