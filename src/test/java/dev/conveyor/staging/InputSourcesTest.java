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
    void addressesOfInternalNetworksAreRefusedBeforeAnyConnection() {
        InputSources sources = new InputSources(List.of());
        for (String source : List.of("http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/", "http://10.1.2.3/",
                "http://172.16.0.1/", "http://192.168.1.1/", "http://[fd00:ec2::254]/", "http://0.0.0.0:1/", "http://[::]:1/",
                "http://224.0.0.1/", "http://[::1]:1/", "http://[::ffff:127.0.0.1]:1/", "https://localhost:1/",
                "http://100.100.100.200/")) {
            assertThatThrownBy(() -> read(sources, source)).as(source)
                    .isInstanceOf(StagingException.class)
                    .hasMessageContaining("'" + source + "'")
                    .hasMessageContaining("refused");
        }
    }
}
