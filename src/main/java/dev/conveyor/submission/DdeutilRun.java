package dev.conveyor.submission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.model.Problem;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The state of one ddeutil translation: the request being built, the problems found so far (one
 * per path) and the {@link DdeutilPathMap} back to the document.
 */
final class DdeutilRun {

    private final ObjectNode request = JsonNodeFactory.instance.objectNode();
    private final List<Problem> problems = new ArrayList<>();
    private final Set<String> problemPaths = new LinkedHashSet<>();
    private final DdeutilPathMap paths = new DdeutilPathMap();

    /** The Conveyor request being built. */
    ObjectNode request() {
        return request;
    }

    /** Reports a problem at a ddeutil path, unless that path already has one. */
    void problem(String path, String message) {
        if (problemPaths.add(path)) {
            problems.add(new Problem(path, message));
        }
    }

    /** Maps a request path and (with the same suffix) everything under it. */
    void map(String requestPath, String ddeutilPath) {
        paths.map(requestPath, ddeutilPath);
    }

    /** Maps a request path and everything under it to one ddeutil path. */
    void mapWhole(String requestPath, String ddeutilPath) {
        paths.mapWhole(requestPath, ddeutilPath);
    }

    /** The ddeutil path mapped to exactly {@code requestPath}, or null. */
    String mapped(String requestPath) {
        return paths.get(requestPath);
    }

    DdeutilWorkflowTranslator.Translation translation(JsonNode original) {
        return new DdeutilWorkflowTranslator.Translation(request, original, problems, paths);
    }
}
