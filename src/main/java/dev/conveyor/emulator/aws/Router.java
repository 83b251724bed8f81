package dev.conveyor.emulator.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** Maps a request to its operation: Batch by {@code POST /v1/<name>}, Logs by {@code X-Amz-Target}. */
final class Router {

    /** One API operation: JSON request body in, JSON response body out. */
    @FunctionalInterface
    interface Handler {
        JsonNode handle(ObjectNode body);
    }

    record Route(String operation, Protocol protocol, Handler handler) {
    }

    static final String LOGS_TARGET_PREFIX = "Logs_20140328.";

    private final Map<String, Route> batchByPath = new HashMap<>();
    private final Map<String, Route> logsByTarget = new HashMap<>();

    Router batch(String operation, Handler handler) {
        batchByPath.put("/v1/" + operation.toLowerCase(Locale.ROOT),
                new Route(operation, Protocol.BATCH_REST_JSON, handler));
        return this;
    }

    Router logs(String operation, Handler handler) {
        logsByTarget.put(LOGS_TARGET_PREFIX + operation, new Route(operation, Protocol.LOGS_JSON_11, handler));
        return this;
    }

    Route resolve(ApiRequest request) {
        String target = request.header("x-amz-target");
        if (target != null) {
            Route route = logsByTarget.get(target);
            if (route == null || !"POST".equals(request.method())) {
                throw new ApiException(400, "UnknownOperationException", null);
            }
            return route;
        }
        Route route = batchByPath.get(request.rawPath());
        if (route == null || !"POST".equals(request.method())) {
            throw new ApiException(404, "UnknownOperationException", null);
        }
        return route;
    }
}
