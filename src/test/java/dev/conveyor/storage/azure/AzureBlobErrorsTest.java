package dev.conveyor.storage.azure;

import com.sun.net.httpserver.HttpServer;
import dev.conveyor.credentials.AzureAccount;
import dev.conveyor.credentials.Secret;
import dev.conveyor.emulator.azurite.Azurite;
import dev.conveyor.emulator.azurite.SharedAzurite;
import dev.conveyor.storage.StoreUnavailableException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Failures come out typed and without secrets: a wrong key against Azurite, and a tiny local HTTP
 * server answering 503/429/500/403 (with and without Retry-After) in place of the blob service.
 */
class AzureBlobErrorsTest {
    private static final String WRONG_KEY = Base64.getEncoder().encodeToString(new Random(7).ints(64, 0, 256)
            .collect(java.io.ByteArrayOutputStream::new, java.io.ByteArrayOutputStream::write, (a, b) -> { }).toByteArray());
    private HttpServer server;
    private final List<Long> requestTimes = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stop() {
        release.countDown();
        if (server != null) {
            server.stop(0);
        }
    }

    private static String everything(Throwable t) {
        StringWriter out = new StringWriter();
        t.printStackTrace(new PrintWriter(out));
        return out.toString();
    }

    private static void assertSecretFree(Throwable t, String... secrets) {
        String text = everything(t);
        for (String s : secrets) {
            assertThat(text).doesNotContain(s);
        }
        assertThat(text).doesNotContain("sig=").doesNotContain("MAC signature");
    }

    @Test
    void aWrongAccountKeyFailsWithAClearMessageNamingTheAccountAndNeverTheKey() {
        Azurite azurite = SharedAzurite.get();
        AzureAccount wrong = new AzureAccount(null, null, null, azurite.accountName(), Secret.of(WRONG_KEY),
                azurite.blobEndpoint(), null, null, null, false);
        AzureBlobObjectStore store = new AzureBlobObjectStore(AzureBlobSettings.defaults(wrong).withContainerPrefix("wrongkey"));

        for (Throwable failure : List.of(catchThrowable(() -> store.put("jobs/j/a.txt", "x".getBytes(StandardCharsets.UTF_8))),
                catchThrowable(() -> store.read("jobs/j/a.txt", 10)), catchThrowable(store::check),
                catchThrowable(() -> store.listAll("jobs/")))) {
            assertThat(failure).isInstanceOf(IOException.class).isNotInstanceOf(StoreUnavailableException.class);
            assertThat(failure.getMessage()).contains("'" + azurite.accountName() + "'").contains("403")
                    .contains("credential was refused");
            assertSecretFree(failure, WRONG_KEY, azurite.accountKey());
        }
    }

    @Test
    void a503WithRetryAfterIsRetriedNoEarlierThanAskedThenReportedAsUnavailable() throws IOException {
        AzureBlobObjectStore store = storeAnswering(503, Map.of("Retry-After", "1"), "", 2, Duration.ofSeconds(5));

        Throwable failure = catchThrowable(() -> store.read("jobs/j/doc.json", 100));

        assertThat(failure).isInstanceOf(StoreUnavailableException.class);
        assertThat(((StoreUnavailableException) failure).retryAfter()).contains(Duration.ofSeconds(1));
        assertThat(failure.getMessage()).contains("'acct'").contains("503");
        assertThat(requestTimes).hasSize(2);
        assertThat(TimeUnit.NANOSECONDS.toMillis(requestTimes.get(1) - requestTimes.get(0))).isGreaterThanOrEqualTo(990);
    }

    @Test
    void aRetryAfterLongerThanTheStoreWaitsIsHandedToTheCallerAtOnce() throws IOException {
        AzureBlobObjectStore store = storeAnswering(429, Map.of("Retry-After", "120"), "", 3, Duration.ofSeconds(5));

        Throwable failure = catchThrowable(() -> store.put("jobs/j/a.txt", "x".getBytes(StandardCharsets.UTF_8)));

        assertThat(failure).isInstanceOf(StoreUnavailableException.class);
        assertThat(((StoreUnavailableException) failure).retryAfter()).contains(Duration.ofSeconds(120));
        assertThat(requestTimes).hasSize(1);
    }

    @Test
    void aMillisecondRetryAfterHeaderIsHonouredToo() throws IOException {
        AzureBlobObjectStore store = storeAnswering(503, Map.of("x-ms-retry-after-ms", "250"), "", 1, Duration.ofSeconds(5));

        Throwable failure = catchThrowable(store::check);

        assertThat(failure).isInstanceOf(StoreUnavailableException.class);
        assertThat(((StoreUnavailableException) failure).retryAfter()).contains(Duration.ofMillis(250));
    }

    @Test
    void serverErrorsWithoutRetryAfterAreRetriedWithBackoffThenUnavailable() throws IOException {
        AzureBlobObjectStore store = storeAnswering(500, Map.of(), "", 3, Duration.ofMillis(200));

        Throwable failure = catchThrowable(() -> store.tail("jobs/j/log.txt", 10));

        assertThat(failure).isInstanceOf(StoreUnavailableException.class);
        assertThat(((StoreUnavailableException) failure).retryAfter()).isEmpty();
        assertThat(requestTimes).hasSize(3);
    }

    @Test
    void anAuthenticationFailureNeverRepeatsTheServicesSignatureDetail() throws IOException {
        String body = "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>AuthenticationFailed</Code><Message>Server failed"
                + " to authenticate the request.</Message><AuthenticationErrorDetail>The MAC signature found in the HTTP request"
                + " 'U0VDUkVUU0lHTkFUVVJF' is not the same as any computed signature. sig=U0VDUkVU</AuthenticationErrorDetail></Error>";
        AzureBlobObjectStore store = storeAnswering(403, Map.of("x-ms-error-code", "AuthenticationFailed",
                "Content-Type", "application/xml"), body, 3, Duration.ofSeconds(1));

        Throwable failure = catchThrowable(() -> store.get("jobs/j/a.txt"));

        assertThat(failure).isInstanceOf(IOException.class).isNotInstanceOf(StoreUnavailableException.class);
        assertThat(failure.getMessage()).contains("'acct'").contains("403 AuthenticationFailed");
        assertSecretFree(failure, "U0VDUkVUU0lHTkFUVVJF", "U0VDUkVU", WRONG_KEY);
        assertThat(requestTimes).hasSize(1);
    }

    @Test
    void noLogLineRepeatsTheServicesSignatureDetailOrAKey() throws IOException {
        String body = "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>AuthenticationFailed</Code><Message>Server failed"
                + " to authenticate the request.</Message><AuthenticationErrorDetail>The MAC signature found in the HTTP request"
                + " 'U0VDUkVUU0lHTkFUVVJF' is not the same as any computed signature.</AuthenticationErrorDetail></Error>";
        AzureBlobObjectStore store = storeAnswering(403, Map.of("x-ms-error-code", "AuthenticationFailed",
                "Content-Type", "application/xml"), body, 1, Duration.ofSeconds(1));
        List<String> lines = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                lines.add(r.getLoggerName() + " " + r.getMessage() + (r.getThrown() == null ? "" : " " + everything(r.getThrown())));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger root = Logger.getLogger("");
        root.addHandler(capture);
        try {
            assertThat(catchThrowable(() -> store.read("jobs/j/a.txt", 10))).isInstanceOf(IOException.class);
            assertThat(catchThrowable(() -> store.put("jobs/j/a.txt", new byte[] {1}))).isInstanceOf(IOException.class);
            assertThat(catchThrowable(store::check)).isInstanceOf(IOException.class);
        } finally {
            root.removeHandler(capture);
        }
        assertThat(requestTimes).hasSizeGreaterThanOrEqualTo(3);
        assertThat(lines).noneMatch(l -> l.contains("U0VDUkVU") || l.contains("MAC signature") || l.contains(WRONG_KEY));
    }

    @Test
    void anUnreachableEndpointIsUnavailable() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        AzureBlobObjectStore store = store("http://127.0.0.1:" + port + "/acct", 1, Duration.ofSeconds(1), Duration.ofSeconds(5));

        assertThatThrownBy(() -> store.read("jobs/j/a.txt", 10)).isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("cannot reach Azure Blob account 'acct'");
    }

    @Test
    void aServiceThatDoesNotAnswerInTimeIsUnavailable() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            requestTimes.add(System.nanoTime());
            try {
                release.await(30, TimeUnit.SECONDS); // holds the request open until the test ends
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
        AzureBlobObjectStore store = store("http://127.0.0.1:" + server.getAddress().getPort() + "/acct", 1,
                Duration.ofSeconds(1), Duration.ofSeconds(1));

        Throwable failure = catchThrowable(() -> store.read("jobs/j/a.txt", 10));

        assertThat(failure).isInstanceOf(StoreUnavailableException.class);
        assertSecretFree(failure, WRONG_KEY);
    }

    private AzureBlobObjectStore storeAnswering(int status, Map<String, String> headers, String body, int tries, Duration maxDelay)
            throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            requestTimes.add(System.nanoTime());
            exchange.getRequestBody().readAllBytes();
            headers.forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                exchange.getResponseBody().write(bytes);
            }
            exchange.close();
        });
        server.start();
        return store("http://127.0.0.1:" + server.getAddress().getPort() + "/acct", tries, maxDelay, Duration.ofSeconds(10));
    }

    private static AzureBlobObjectStore store(String endpoint, int tries, Duration maxDelay, Duration requestTimeout) {
        AzureAccount account = new AzureAccount(null, null, null, "acct", Secret.of(WRONG_KEY), endpoint, null, null, null, false);
        return new AzureBlobObjectStore(AzureBlobSettings.defaults(account).withRetries(tries, maxDelay)
                .withRequestTimeout(requestTimeout));
    }
}
