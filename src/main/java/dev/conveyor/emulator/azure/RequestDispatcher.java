package dev.conveyor.emulator.azure;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The request pipeline: counts the request, injects faults, authenticates, checks api-version and body size, routes
 * it, and writes the answer or the service's BatchError body.
 */
final class RequestDispatcher {
    static final int MAX_BODY_BYTES = 1024 * 1024;
    static final Set<String> API_VERSIONS = Set.of("2025-06-01", "2024-07-01.20.0", "2024-02-01.19.0", "2023-11-01.18.0",
            "2023-05-01.17.0", "2022-10-01.16.0", "2022-01-01.15.0", "2021-06-01.14.0", "2020-09-01.12.0",
            "2020-03-01.11.0", "2019-08-01.10.0", "2019-06-01.9.0", "2018-12-01.8.0");
    private static final Logger LOG = Logger.getLogger(RequestDispatcher.class.getName());

    private final Router router;
    private final SharedKeyAuthenticator auth;
    private final FaultInjector faults;
    private final RequestStats stats;
    private final String endpoint;

    RequestDispatcher(Router router, SharedKeyAuthenticator auth, FaultInjector faults, RequestStats stats,
                      String endpoint) {
        this.router = router;
        this.auth = auth;
        this.faults = faults;
        this.stats = stats;
        this.endpoint = endpoint;
    }

    /** Answers one request; never throws. */
    BatchResponse respond(BatchRequest req) {
        BatchResponse resp;
        try {
            resp = dispatch(req);
        } catch (BatchException e) {
            resp = errorResponse(e);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "emulator failed on " + req.method + " " + req.rawPath, e);
            resp = errorResponse(new BatchException(500, "InternalError",
                    "Server encountered an internal error. Please try again after some time."));
        }
        resp.headers.putIfAbsent("request-id", UUID.randomUUID().toString());
        String clientRequestId = req.header("client-request-id");
        if (clientRequestId != null) resp.headers.put("client-request-id", clientRequestId);
        resp.headers.put("DataServiceVersion", "3.0");
        resp.headers.put("Server", "Microsoft-HTTPAPI/2.0");
        resp.headers.put("Date", Json.rfc1123(Instant.now()));
        return resp;
    }

    private BatchResponse dispatch(BatchRequest req) {
        if (req.method.equals("GET") && req.rawPath.equals("/emulator/stats")) {
            return BatchResponse.json(200, stats.toJson());
        }
        boolean[] pathKnown = {false};
        Optional<Router.Match> match = router.match(req.method, req.segments, pathKnown);
        stats.record(match.map(m -> m.route().operationId()).orElse("Unknown"));
        faults.apply();
        auth.authenticate(req);
        checkApiVersion(req);
        if (req.body.length > MAX_BODY_BYTES) {
            throw new BatchException(413, "RequestBodyTooLarge",
                    "The request body is too large and exceeds the maximum permissible limit.",
                    Map.of("MaxLimit", Integer.toString(MAX_BODY_BYTES)));
        }
        if (match.isEmpty()) {
            if (pathKnown[0]) {
                throw new BatchException(405, "UnsupportedHttpVerb",
                        "The resource doesn't support the specified HTTP verb.", Map.of("HttpVerb", req.method));
            }
            throw new BatchException(400, "InvalidUri", "The requested URI does not represent any resource on the server.");
        }
        req.params = match.get().params();
        return match.get().route().handler().handle(req);
    }

    private static void checkApiVersion(BatchRequest req) {
        String version = req.queryParam("api-version");
        if (version == null) {
            throw new BatchException(400, "MissingRequiredQueryParameter",
                    "A query parameter that's mandatory for this request is not specified.",
                    Map.of("QueryParameterName", "api-version"));
        }
        if (!API_VERSIONS.contains(version)) {
            throw BatchException.invalidQuery("api-version", version, "The specified api-version is not supported.");
        }
    }

    private BatchResponse errorResponse(BatchException e) {
        BatchResponse r = BatchResponse.json(e.status, Json.error(endpoint, e.code, e.getMessage(), e.values));
        e.headers.forEach(r::header);
        return r;
    }
}
