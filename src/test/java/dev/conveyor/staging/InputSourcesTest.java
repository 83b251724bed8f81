package dev.conveyor.staging;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Input sources cannot reach outside what the service allows: {@code file:} sources are checked on
 * their real path (symbolic links and {@code ..} resolved) and opened without following links;
 * {@code http(s):} sources to loopback, link-local, private, unspecified or multicast addresses are
 * refused unless allow-listed, on every redirect hop. Real files, real links, real HTTP servers.
 */
class InputSourcesTest {

    @TempDir
    Path tmp;

    private final List<HttpServer> servers = new ArrayList<>();

    @AfterEach
    void stopServers() {
        servers.forEach(s -> s.stop(0));
    }

    private static String read(InputSources sources, String source) throws Exception {
        try (InputStream in = sources.open(source)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private Path root() throws IOException {
        return Files.createDirectories(tmp.resolve("allowed"));
    }

    private Path secret() throws IOException {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        return Files.writeString(outside.resolve("secret.txt"), "service secret");
    }

    // ---- file: --------------------------------------------------------------------------------

    @Test
    void aFileInsideAnAllowedRootIsRead() throws Exception {
        Path root = root();
        Files.writeString(Files.createDirectories(root.resolve("data")).resolve("in.csv"), "a,b");
        assertThat(read(new InputSources(List.of(root)), root.resolve("data/in.csv").toUri().toString())).isEqualTo("a,b");
    }

    @Test
    void aSymlinkInsideTheRootThatPointsOutsideIsRefused() throws Exception {
        Path root = root();
        Path secret = secret();
        Path link = Files.createSymbolicLink(root.resolve("innocent.txt"), secret);
        Files.createSymbolicLink(root.resolve("dir"), secret.getParent());

        InputSources sources = new InputSources(List.of(root));

        assertThatThrownBy(() -> read(sources, link.toUri().toString()))
                .isInstanceOf(StagingException.class)
                .hasMessageContaining("'" + link.toUri() + "'")
                .hasMessageContaining("outside the folders this service may read");
        assertThatThrownBy(() -> read(sources, "file://" + root + "/dir/secret.txt"))
                .isInstanceOf(StagingException.class)
                .hasMessageContaining("outside the folders this service may read");
    }

    @Test
    void dotDotThroughASymlinkedFolderIsResolvedAsTheKernelDoesAndRefused() throws Exception {
        Path root = root();
        Path secret = secret();
        Path deep = Files.createDirectories(secret.getParent().resolve("deep"));
        Files.createSymbolicLink(root.resolve("link"), deep);
        // lexically root/link/../secret.txt is root/secret.txt; the kernel reads outside/secret.txt
        Files.writeString(root.resolve("secret.txt"), "harmless");

        assertThatThrownBy(() -> read(new InputSources(List.of(root)), "file://" + root + "/link/../secret.txt"))
                .isInstanceOf(StagingException.class)
                .hasMessageContaining("outside the folders this service may read");
        assertThatThrownBy(() -> read(new InputSources(List.of(root)), "file://" + root + "/../outside/secret.txt"))
                .isInstanceOf(StagingException.class)
                .hasMessageContaining("outside the folders this service may read");
    }

    @Test
    void linksThatStayInsideTheRootAndARootThatIsALinkWork() throws Exception {
        Path real = root();
        Files.writeString(real.resolve("a.txt"), "inside");
        Files.createSymbolicLink(real.resolve("alias.txt"), real.resolve("a.txt"));
        Path rootLink = Files.createSymbolicLink(tmp.resolve("root-link"), real);

        InputSources sources = new InputSources(List.of(rootLink));

        assertThat(read(sources, "file://" + rootLink + "/alias.txt")).isEqualTo("inside");
        assertThat(read(sources, real.resolve("a.txt").toUri().toString())).isEqualTo("inside");
    }

    @Test
    void aFolderOrAMissingFileIsRefusedWithItsReason() throws Exception {
        Path root = root();
        InputSources sources = new InputSources(List.of(root));
        assertThatThrownBy(() -> read(sources, root.toUri().toString()))
                .isInstanceOf(StagingException.class).hasMessageContaining("not a regular file");
        assertThatThrownBy(() -> read(sources, root.resolve("nope.txt").toUri().toString()))
                .isInstanceOf(StagingException.class).hasMessageContaining("does not exist");
    }

    @Test
    void aLinkThatAppearsBetweenCheckAndOpenIsNotFollowed() throws Exception {
        Path root = root();
        Path secret = secret();
        // the real path checked was root/data/secret.txt; by the time it is opened, data is a link
        Files.createSymbolicLink(root.resolve("data"), secret.getParent());
        assertThatThrownBy(() -> FileSources.openBeneath(root.toRealPath(), Path.of("data/secret.txt")))
                .isInstanceOf(java.nio.file.FileSystemException.class);
        Files.createSymbolicLink(root.resolve("file.txt"), secret);
        assertThatThrownBy(() -> FileSources.openBeneath(root.toRealPath(), Path.of("file.txt")))
                .isInstanceOf(java.nio.file.FileSystemException.class);
    }

    // ---- http(s): -----------------------------------------------------------------------------

    /** A server on {@code address} answering {@code path} with {@code status}, a Location and a body. */
    private HttpServer server(String address, String path, int status, String location, String body) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(address, 0), 0);
        server.createContext(path, exchange -> {
            if (location != null) {
                exchange.getResponseHeaders().add("Location", location);
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
        servers.add(server);
        return server;
    }

    private static String url(HttpServer server, String path) {
        return "http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort() + path;
    }

    @Test
    void aSourceThatMayRecoverIsATransientFailureOneThatWillNotIsNot() throws Exception {
        InputSources sources = new InputSources(List.of(), List.of("127.0.0.1"));
        for (int status : new int[] {503, 500, 429, 408}) {
            HttpServer server = server("127.0.0.1", "/busy", status, null, "busy");
            assertThatThrownBy(() -> read(sources, url(server, "/busy")))
                    .isInstanceOfSatisfying(StagingException.class, e -> assertThat(e.isTransient()).as("HTTP " + status).isTrue())
                    .hasMessageContaining("answered HTTP " + status);
        }
        for (int status : new int[] {404, 403, 400}) {
            HttpServer server = server("127.0.0.1", "/no", status, null, "no");
            assertThatThrownBy(() -> read(sources, url(server, "/no")))
                    .isInstanceOfSatisfying(StagingException.class, e -> assertThat(e.isTransient()).as("HTTP " + status).isFalse());
        }
        HttpServer gone = server("127.0.0.1", "/gone", 200, null, "x");
        String unreachable = url(gone, "/gone");
        gone.stop(0);
        assertThatThrownBy(() -> read(sources, unreachable))
                .isInstanceOfSatisfying(StagingException.class, e -> assertThat(e.isTransient()).as("refused connection").isTrue())
                .hasMessageContaining("cannot download input source");
    }

    @Test
    void aLoopbackServerIsRefusedByDefault() throws Exception {
        AtomicInteger hits = new AtomicInteger();
        HttpServer server = server("127.0.0.1", "/secret", 200, null, "internal");
        server.createContext("/counted", exchange -> {
            hits.incrementAndGet();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        String source = url(server, "/counted");

        assertThatThrownBy(() -> read(new InputSources(List.of()), source))
                .isInstanceOf(StagingException.class)
                .hasMessageContaining("'" + source + "'")
                .hasMessageContaining("127.0.0.1")
                .hasMessageContaining("loopback")
                .hasMessageContaining("conveyor.staging.allowed-http-hosts");
        assertThat(hits).hasValue(0);
    }

    @Test
    void aLoopbackServerIsFetchedWhenAllowListedByAddressOrCidr() throws Exception {
        HttpServer server = server("127.0.0.1", "/data.csv", 200, null, "a,b");
        assertThat(read(new InputSources(List.of(), List.of("127.0.0.1")), url(server, "/data.csv"))).isEqualTo("a,b");
        assertThat(read(new InputSources(List.of(), List.of("10.0.0.0/8", "127.0.0.0/8")), url(server, "/data.csv")))
                .isEqualTo("a,b");
    }

    @Test
    void aRedirectFromAnAllowedHostToALoopbackOneIsRefused() throws Exception {
        AtomicInteger hits = new AtomicInteger();
        HttpServer internal = HttpServer.create(new InetSocketAddress("127.0.0.2", 0), 0);
        internal.createContext("/", exchange -> {
            hits.incrementAndGet();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        internal.start();
        servers.add(internal);
        String target = url(internal, "/secret");
        HttpServer allowed = server("127.0.0.1", "/go", 302, target, "");
        String source = url(allowed, "/go");

        assertThatThrownBy(() -> read(new InputSources(List.of(), List.of("127.0.0.1")), source))
                .isInstanceOf(StagingException.class)
                .hasMessageContaining("'" + source + "'")
                .hasMessageContaining("redirected to '" + target + "'")
                .hasMessageContaining("127.0.0.2, a loopback address");
        assertThat(hits).hasValue(0);
    }

    @Test
    void redirectsWithinAllowedHostsAreFollowedAndBounded() throws Exception {
        HttpServer server = server("127.0.0.1", "/data.csv", 200, null, "final");
        server.createContext("/hop", exchange -> {
            exchange.getResponseHeaders().add("Location", "/data.csv");
            exchange.sendResponseHeaders(307, -1);
            exchange.close();
        });
        server.createContext("/loop", exchange -> {
            exchange.getResponseHeaders().add("Location", "/loop");
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        server.createContext("/file", exchange -> {
            exchange.getResponseHeaders().add("Location", "file:///etc/passwd");
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        InputSources sources = new InputSources(List.of(), List.of("127.0.0.1"));

        assertThat(read(sources, url(server, "/hop"))).isEqualTo("final");
        assertThatThrownBy(() -> read(sources, url(server, "/loop")))
                .isInstanceOf(StagingException.class).hasMessageContaining("redirected more than 5 times");
        assertThatThrownBy(() -> read(sources, url(server, "/file")))
                .isInstanceOf(StagingException.class).hasMessageContaining("only http and https redirects are followed");
    }

    @Test
    void aMalformedAllowListEntryIsAnErrorAtStartUp() {
        assertThatThrownBy(() -> new InputSources(List.of(), List.of("10.0.0.0/99")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("conveyor.staging.allowed-http-hosts");
    }

    @Test
    void addressesOfInternalNetworksAreRefusedBeforeAnyConnection() {
        InputSources sources = new InputSources(List.of());
        for (String source : List.of("http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/", "http://10.1.2.3/",
                "http://172.16.0.1/", "http://192.168.1.1/", "http://[fd00:ec2::254]/", "http://0.0.0.0:1/", "http://[::]:1/",
                "http://224.0.0.1/", "http://[::1]:1/", "http://[::ffff:127.0.0.1]:1/", "https://localhost:1/",
                "http://100.100.100.200/", "http://[64:ff9b::a9fe:a9fe]/", "http://[2002:7f00:1::]/", "http://[::127.0.0.1]/")) {
            assertThatThrownBy(() -> read(sources, source)).as(source)
                    .isInstanceOf(StagingException.class)
                    .hasMessageContaining("'" + source + "'")
                    .hasMessageContaining("refused");
        }
    }

    @Test
    void theDnsCacheIsOffOnlyWhenTheTtlThatDecidesIsZero() {
        // the security property decides; the system property only when the security property is absent or unreadable
        assertThat(HttpSources.dnsCacheOff("0", null)).isTrue();
        assertThat(HttpSources.dnsCacheOff("0", "60")).isTrue();
        assertThat(HttpSources.dnsCacheOff(null, "0")).isTrue();
        assertThat(HttpSources.dnsCacheOff("soon", "0")).isTrue(); // unreadable: the system property decides
        assertThat(HttpSources.dnsCacheOff(null, "0x0")).isTrue(); // read as InetAddress reads it (Integer.decode)
        assertThat(HttpSources.dnsCacheOff("30", "0")).isFalse();
        assertThat(HttpSources.dnsCacheOff("-1", "0")).isFalse(); // forever
        assertThat(HttpSources.dnsCacheOff(null, null)).isFalse(); // the default, 30 s
        assertThat(HttpSources.dnsCacheOff(null, "not a number")).isFalse();
    }

    /**
     * A source that sends part of its body and then nothing, or never answers at all, has broken off once it was
     * silent for the read timeout — it held a staging slot for as long as it pleased (a read of the body had no limit;
     * the answer, five minutes).
     */
    @Test
    void aSourceThatFallsSilentHasBrokenOff() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.createContext("/stalls", exchange -> {
            exchange.sendResponseHeaders(200, 0); // a body of unknown length: it could go on for ever
            OutputStream out = exchange.getResponseBody();
            out.write("first part".getBytes(StandardCharsets.UTF_8));
            out.flush();
            awaitQuietly(release);
            exchange.close();
        });
        server.createContext("/silent", exchange -> {
            awaitQuietly(release);
            exchange.close();
        });
        server.start();
        servers.add(server);
        InputSources sources = new InputSources(List.of(), List.of("127.0.0.1"), java.time.Duration.ofMillis(500));
        try {
            try (InputStream in = sources.open(url(server, "/stalls"))) {
                assertThat(new String(in.readNBytes(10), StandardCharsets.UTF_8)).isEqualTo("first part");
                assertThatThrownBy(in::read).isInstanceOf(IOException.class)
                        .hasMessageContaining("sent no data for 0.5 s (conveyor.staging.read-timeout)");
            }
            assertThatThrownBy(() -> sources.open(url(server, "/silent")))
                    .isInstanceOfSatisfying(StagingException.class, e -> assertThat(e.isTransient()).as("may pass: tried again").isTrue())
                    .hasMessageContaining("cannot download input source");
        } finally {
            release.countDown();
        }
    }

    private static void awaitQuietly(java.util.concurrent.CountDownLatch latch) {
        try {
            latch.await(60, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
