package dev.conveyor.emulator.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The HTTP front: every call is routed, counted, authenticated (SigV4), possibly faulted, then handled;
 * errors are answered as {@code x-amzn-ErrorType} plus {@code {"__type", "message"}}.
 * {@code GET /emulator/stats} (no auth) answers the per-operation request counts.
 */
final class EmulatorHttpServer implements AutoCloseable {

    static final String STATS_PATH = "/emulator/stats";
    private static final Logger LOG = Logger.getLogger(EmulatorHttpServer.class.getName());

    private final ObjectMapper json;
    private final Router router;
    private final SigV4Verifier verifier;
    private final FaultInjector faults;
    private final RequestCounter counter;
    private final HttpServer server;
    private final ExecutorService executor;

    EmulatorHttpServer(String host, int port, ObjectMapper json, Router router, SigV4Verifier verifier,
                       FaultInjector faults, RequestCounter counter) throws IOException {
        this.json = json;
        this.router = router;
        this.verifier = verifier;
        this.faults = faults;
        this.counter = counter;
        this.server = HttpServer.create(new InetSocketAddress(host, port), 64);
        this.executor = Executors.newFixedThreadPool(16, r -> {
            Thread t = new Thread(r, "aws-batch-emulator-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            ApiRequest request = read(exchange);
            if ("GET".equals(request.method()) && STATS_PATH.equals(request.rawPath())) {
                send(exchange, 200, "application/json", null, json.writeValueAsBytes(counter.snapshot()));
                return;
            }
            Protocol protocol = request.header("x-amz-target") != null ? Protocol.LOGS_JSON_11 : Protocol.BATCH_REST_JSON;
            try {
                Router.Route route = router.resolve(request);
                protocol = route.protocol();
                counter.increment(route.operation());
                verifier.verify(request, protocol.signingName);
                faults.apply(protocol);
                JsonNode response = route.handler().handle(parse(request, protocol));
                send(exchange, 200, protocol.contentType, null, json.writeValueAsBytes(response));
            } catch (ApiException e) {
                sendError(exchange, protocol, e);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "emulator failure on " + request.rawPath(), e);
                sendError(exchange, protocol, new ApiException(500, protocol.serverErrorType, String.valueOf(e)));
            }
        }
    }

    private ObjectNode parse(ApiRequest request, Protocol protocol) {
        if (request.body().length == 0) {
            return json.createObjectNode();
        }
        try {
            JsonNode node = json.readTree(request.body());
            if (node == null || node.isMissingNode()) {
                return json.createObjectNode();
            }
            if (!node.isObject()) {
                throw new ApiException(400, protocol.malformedType, "The request body must be a JSON object");
            }
            return (ObjectNode) node;
        } catch (IOException e) {
            throw new ApiException(400, protocol.malformedType, "Malformed JSON request body");
        }
    }

    private static ApiRequest read(HttpExchange exchange) throws IOException {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        exchange.getRequestHeaders().forEach((name, values) ->
                headers.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>()).addAll(values));
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        return new ApiRequest(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                exchange.getRequestURI().getRawQuery(), headers, body);
    }

    private void sendError(HttpExchange exchange, Protocol protocol, ApiException e) throws IOException {
        ObjectNode body = json.createObjectNode();
        body.put("__type", e.type());
        if (e.getMessage() != null) {
            body.put("message", e.getMessage());
        }
        send(exchange, e.status(), protocol.contentType, e.type(), json.writeValueAsBytes(body));
    }

    private static void send(HttpExchange exchange, int status, String contentType, String errorType, byte[] body)
            throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
        if (errorType != null) {
            exchange.getResponseHeaders().set("x-amzn-ErrorType", errorType);
        }
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
