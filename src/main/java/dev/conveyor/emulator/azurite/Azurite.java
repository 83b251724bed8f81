package dev.conveyor.emulator.azurite;

import dev.conveyor.emulator.OwnedFiles;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Azurite, Microsoft's Azure Storage emulator, running its blob service as a child process
 * ({@code node}), installed from the npm registry on first use ({@link AzuriteInstaller}). It serves
 * the well-known development account {@value #ACCOUNT} (whose key Microsoft publishes), checks
 * SharedKey and SAS signatures and SAS expiry, and — over HTTPS — accepts OAuth bearer tokens and
 * hands out user delegation keys. Stopped (with its children) on {@link #close()}.
 */
public final class Azurite implements AutoCloseable {
    public static final String VERSION = "3.37.0";
    public static final String ACCOUNT = "devstoreaccount1";
    /** Azurite's fixed development key: public, documented by Microsoft, valid only against emulators. */
    public static final String KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private static final long START_TIMEOUT_MS = 30_000;

    private final Process process;
    private final int port;
    private final boolean tls;
    private final Path log;
    /** The log is a temporary file (blobs in memory): deleted on close, after a failed start has read it. */
    private final boolean ownsLog;

    private Azurite(Process process, int port, boolean tls, Path log, boolean ownsLog) {
        this.process = process;
        this.port = port;
        this.tls = tls;
        this.log = log;
        this.ownsLog = ownsLog;
    }

    public static Azurite start(AzuriteOptions options) throws IOException, InterruptedException {
        Path main = AzuriteInstaller.ensureInstalled(options.installDir(), VERSION);
        int port = options.port() > 0 ? options.port() : freePort();
        List<String> command = new ArrayList<>(List.of("node", main.toString(), "--blobHost", "127.0.0.1",
                "--blobPort", Integer.toString(port), "--skipApiVersionCheck", "--disableTelemetry"));
        Path log;
        if (options.dataDir() != null) {
            Files.createDirectories(options.dataDir());
            command.addAll(List.of("--location", options.dataDir().toString()));
            log = options.dataDir().resolve("azurite.log");
        } else {
            command.add("--inMemoryPersistence");
            log = Files.createTempFile("azurite-" + port, ".log");
        }
        if (options.tls() != null) {
            command.addAll(List.of("--cert", options.tls().pfx().toString(), "--pwd", options.tls().password(),
                    "--oauth", "basic"));
        }
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        Azurite azurite = new Azurite(p, port, options.tls() != null, log, options.dataDir() == null);
        azurite.awaitListening();
        return azurite;
    }

    private void awaitListening() throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
        while (!accepts(port)) {
            if (!process.isAlive() || System.currentTimeMillis() > deadline) {
                String out = Files.exists(log) ? Files.readString(log) : "";
                close();
                throw new IOException("Azurite did not start on port " + port + ":\n" + out.substring(Math.max(0, out.length() - 2000)));
            }
            Thread.sleep(100); // the emulator is a child process: nothing to wait on but its port
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public int port() {
        return port;
    }

    /** The account's blob endpoint (path style): {@code http(s)://127.0.0.1:<port>/devstoreaccount1}. */
    public String blobEndpoint() {
        return (tls ? "https" : "http") + "://127.0.0.1:" + port + "/" + ACCOUNT;
    }

    public String accountName() {
        return ACCOUNT;
    }

    public String accountKey() {
        return KEY;
    }

    /** A storage connection string for tools that take one ({@code az storage --connection-string}). */
    public String connectionString() {
        return "DefaultEndpointsProtocol=" + (tls ? "https" : "http") + ";AccountName=" + ACCOUNT + ";AccountKey=" + KEY
                + ";BlobEndpoint=" + blobEndpoint() + ";";
    }

    public Path log() {
        return log;
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        if (ownsLog) {
            OwnedFiles.deleteQuietly(log);
        }
    }
}
