package dev.conveyor.emulator.azure;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * The HTTP server (Vert.x, which keeps header names as written: the SDK maps ETag, Content-Length and
 * ocp-* response headers case-sensitively). Bodies are buffered, then handled on worker threads.
 */
final class HttpFrontend implements AutoCloseable {
    private final Vertx vertx;
    private final HttpServer server;
    private final ExecutorService workers;
    private volatile Function<BatchRequest, BatchResponse> handler = r -> BatchResponse.status(503);

    private HttpFrontend(Vertx vertx, HttpServer server, ExecutorService workers) {
        this.vertx = vertx;
        this.server = server;
        this.workers = workers;
    }

    static HttpFrontend listen(String host, int port, ExecutorService workers) {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
        HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port)
                .setMaxInitialLineLength(64 * 1024).setMaxHeaderSize(64 * 1024).setCompressionSupported(false));
        HttpFrontend frontend = new HttpFrontend(vertx, server, workers);
        server.requestHandler(frontend::accept);
        try {
            server.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            vertx.close();
            throw new IllegalStateException("interrupted while binding " + host + ":" + port, e);
        } catch (ExecutionException | TimeoutException e) {
            vertx.close();
            throw new IllegalStateException("could not bind " + host + ":" + port, e);
        }
        return frontend;
    }

    int port() {
        return server.actualPort();
    }

    void handler(Function<BatchRequest, BatchResponse> h) {
        this.handler = h;
    }

    private void accept(HttpServerRequest req) {
        req.body().onComplete(ar -> {
            if (ar.failed()) {
                req.response().setStatusCode(400).end();
                return;
            }
            byte[] body = ar.result().getBytes();
            Map<String, List<String>> headers = new LinkedHashMap<>();
            for (String name : req.headers().names()) headers.put(name, new ArrayList<>(req.headers().getAll(name)));
            try {
                workers.execute(() -> {
                    BatchRequest request = new BatchRequest(req.method().name(), req.path(), req.query(), headers, body);
                    write(req.response(), req.method() == HttpMethod.HEAD, handler.apply(request));
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                req.response().setStatusCode(503).end();
            }
        });
    }

    private static void write(HttpServerResponse out, boolean head, BatchResponse resp) {
        out.setStatusCode(resp.status);
        resp.headers.forEach(out::putHeader);
        if (head) {
            if (resp.headLength >= 0) out.putHeader("Content-Length", Long.toString(resp.headLength));
            out.end();
        } else if (resp.file != null) {
            out.sendFile(resp.file.toString());
        } else if (resp.status == 204 || resp.body.length == 0) {
            out.end();
        } else {
            out.end(Buffer.buffer(resp.body));
        }
    }

    @Override
    public void close() {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException ignored) {
            // best effort
        }
    }
}
