package dev.conveyor.storage.s3;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.conveyor.credentials.AwsAccount;
import dev.conveyor.credentials.Secret;
import dev.conveyor.storage.StoreUnavailableException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * How S3 failures reach callers, against a tiny HTTP server that answers like S3 does when it
 * throttles, fails or denies: transient ones are {@link StoreUnavailableException} (with S3's
 * Retry-After), 403 is a plain IOException naming the bucket — never a key or a secret.
 */
class S3FailureTest {
    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY";
    private static final String KEY = "jobs/job-1/tasks/private-name/outputs/result.txt";

    private HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();
    private final CountDownLatch release = new CountDownLatch(1);
    private final List<S3ObjectStore> stores = new ArrayList<>();

    @AfterEach
    void stop() {
        release.countDown();
        stores.forEach(S3ObjectStore::close);
        if (server != null) {
            server.stop(0);
        }
    }

    /** A server answering every request with {@code status}, S3's XML error {@code code} and the given headers. */
    private String serve(int status, String code, String... headers) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            for (int i = 0; i < headers.length; i += 2) {
                exchange.getResponseHeaders().add(headers[i], headers[i + 1]);
            }
            byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code
                    + "</Code><Message>" + code + " happened</Message><RequestId>r1</RequestId></Error>")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/xml");
            if ("HEAD".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(status, -1);
            } else {
                exchange.sendResponseHeaders(status, body.length);
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private S3ObjectStore store(String endpoint, int maxAttempts, Duration socketTimeout) {
        AwsAccount account = new AwsAccount("us-east-1", "AKIDEXAMPLE", Secret.of(SECRET), Secret.of("SESSIONTOKENVALUE"),
                null, null, endpoint, true);
        S3ObjectStore store = new S3ObjectStore(account, S3StoreOptions.of("throttled-bucket").withMaxAttempts(maxAttempts)
                .withTimeouts(Duration.ofSeconds(2), socketTimeout));
        stores.add(store);
        return store;
    }

    private static List<Executable> everyOperation(S3ObjectStore store) {
        return List.of(
                () -> store.put(KEY, "x".getBytes(StandardCharsets.UTF_8)),
                () -> store.get(KEY),
                () -> store.read(KEY, 100),
                () -> store.tail(KEY, 10),
                () -> store.putIfAbsent(KEY, new byte[1]),
                () -> store.list("jobs/", null, 10),
                () -> store.delete(KEY),
                () -> store.deletePrefix("jobs/job-1/"),
                store::check);
    }

    private static void assertSafe(Throwable e) {
        assertThat(e.getMessage()).contains("throttled-bucket").doesNotContain(KEY).doesNotContain("private-name");
        String all = StackTraces.of(e);
        assertThat(all).doesNotContain(SECRET).doesNotContain("SESSIONTOKENVALUE").doesNotContain("Signature=");
    }

    @Test
    void slowDownIsUnavailableWithTheRetryAfterS3Sent() throws IOException {
        S3ObjectStore store = store(serve(503, "SlowDown", "Retry-After", "7"), 1, Duration.ofSeconds(5));
        for (Executable op : everyOperation(store)) {
            assertThatThrownBy(op::execute).isInstanceOfSatisfying(StoreUnavailableException.class, e -> {
                assertThat(e.retryAfter()).contains(Duration.ofSeconds(7));
                assertThat(e.getMessage()).contains("503");
                assertSafe(e);
            });
        }
    }

    @Test
    void tooManyRequestsAndServerErrorsAreUnavailable() throws IOException {
        S3ObjectStore throttled = store(serve(429, "TooManyRequests"), 1, Duration.ofSeconds(5));
        assertThatThrownBy(() -> throttled.list("jobs/", null, 10)).isInstanceOfSatisfying(StoreUnavailableException.class,
                e -> assertThat(e.retryAfter()).isEmpty());
        server.stop(0);
        S3ObjectStore failing = store(serve(500, "InternalError"), 1, Duration.ofSeconds(5));
        assertThatThrownBy(() -> failing.put(KEY, new byte[3])).isInstanceOf(StoreUnavailableException.class);
    }

    @Test
    void theSdkRetriesThrottlingBeforeReportingIt() throws IOException {
        S3ObjectStore store = store(serve(503, "SlowDown"), 2, Duration.ofSeconds(5));
        assertThatThrownBy(() -> store.list("jobs/", null, 10)).isInstanceOf(StoreUnavailableException.class);
        assertThat(requests).hasValue(2);
    }

    @Test
    void accessDeniedNamesTheBucketAndIsNotTransient() throws IOException {
        S3ObjectStore store = store(serve(403, "AccessDenied"), 3, Duration.ofSeconds(5));
        for (Executable op : everyOperation(store)) {
            assertThatThrownBy(op::execute).isInstanceOfSatisfying(IOException.class, e -> {
                assertThat(e).isNotInstanceOf(StoreUnavailableException.class);
                assertThat(e.getMessage()).contains("access to S3 bucket 'throttled-bucket' denied");
                assertSafe(e);
            });
        }
        assertThat(requests).as("403 is not retried").hasValue(everyOperation(store).size());
    }

    @Test
    void aServerThatNeverAnswersIsUnavailableAfterTheSocketTimeout() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            try {
                release.await(30, TimeUnit.SECONDS); // hold the request until the test ends
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
        S3ObjectStore store = store("http://127.0.0.1:" + server.getAddress().getPort(), 1, Duration.ofMillis(300));
        assertThatThrownBy(() -> store.read(KEY, 10)).isInstanceOfSatisfying(StoreUnavailableException.class, e -> {
            assertThat(e.getMessage()).contains("could not reach the service");
            assertSafe(e);
        });
    }

    @Test
    void aRefusedConnectionIsUnavailable() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        S3ObjectStore store = store("http://127.0.0.1:" + port, 1, Duration.ofSeconds(5));
        assertThatThrownBy(store::check).isInstanceOfSatisfying(StoreUnavailableException.class, S3FailureTest::assertSafe);
    }

    @Test
    void retryAfterIsReadInSecondsOrAsAnHttpDate() {
        assertThat(S3Errors.parseRetryAfter("12")).contains(Duration.ofSeconds(12));
        assertThat(S3Errors.parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT")).contains(Duration.ZERO);
        assertThat(S3Errors.parseRetryAfter("soon")).isEmpty();
    }

    /** The text a log line would show for an exception: every message and frame, causes and suppressed included. */
    static final class StackTraces {
        static String of(Throwable e) {
            java.io.StringWriter w = new java.io.StringWriter();
            e.printStackTrace(new java.io.PrintWriter(w));
            return w.toString();
        }
    }
}
