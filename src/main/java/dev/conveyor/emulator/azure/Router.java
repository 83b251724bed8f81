package dev.conveyor.emulator.azure;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Maps verb + path to a REST operation id and its handler. Patterns are segments where {@code {}} binds one
 * decoded segment and a trailing {@code **} binds the rest of the path joined with '/'.
 */
final class Router {
    interface Handler {
        BatchResponse handle(BatchRequest request);
    }

    record Route(String method, String[] pattern, String operationId, Handler handler) {
    }

    record Match(Route route, List<String> params) {
    }

    private final List<Route> routes = new ArrayList<>();

    Router add(String method, String pattern, String operationId, Handler handler) {
        routes.add(new Route(method, pattern.replaceAll("^/+", "").split("/"), operationId, handler));
        return this;
    }

    /** The matching route, or empty; {@code pathKnown} reports whether another verb would have matched. */
    Optional<Match> match(String method, List<String> segments, boolean[] pathKnown) {
        for (Route r : routes) {
            List<String> params = bind(r.pattern, segments);
            if (params == null) continue;
            pathKnown[0] = true;
            if (r.method.equals(method)) return Optional.of(new Match(r, params));
        }
        return Optional.empty();
    }

    private static List<String> bind(String[] pattern, List<String> segments) {
        List<String> params = new ArrayList<>();
        for (int i = 0; i < pattern.length; i++) {
            String p = pattern[i];
            if (p.equals("**")) {
                if (segments.size() <= i) return null;
                params.add(String.join("/", segments.subList(i, segments.size())));
                return params;
            }
            if (i >= segments.size()) return null;
            if (p.equals("{}")) {
                params.add(segments.get(i));
            } else if (!p.equalsIgnoreCase(segments.get(i))) {
                return null;
            }
        }
        return pattern.length == segments.size() ? params : null;
    }
}
