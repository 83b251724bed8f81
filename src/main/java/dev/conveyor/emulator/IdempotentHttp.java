package dev.conveyor.emulator;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;

/**
 * Sends an idempotent HTTP request, once more when the first try fails in transport: a pooled
 * keep-alive connection that the server closed just as it was reused (Azurite, a Node server,
 * closes idle connections after 5 s) fails with "header parser received no bytes", and the JDK's
 * client retries that by itself only for GET and HEAD — not for a Put Blob that would write the same
 * bytes again. A status the server answered, and a timeout, are never retried.
 */
public final class IdempotentHttp {
    private IdempotentHttp() {
    }

    public static <T> HttpResponse<T> send(HttpClient http, HttpRequest request, HttpResponse.BodyHandler<T> handler) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                return http.send(request, handler);
            } catch (HttpTimeoutException e) {
                throw e;
            } catch (IOException e) {
                if (attempt == 2) {
                    throw e;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
    }
}
