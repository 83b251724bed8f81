package dev.conveyor.emulator.azure;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.sas.BlobContainerSasPermission;
import com.azure.storage.blob.sas.BlobServiceSasSignatureValues;
import com.azure.storage.common.StorageSharedKeyCredential;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * Azurite's blob service for tests: installed from the npm registry into target/azurite on first use, started
 * with node on a free port, stopped on close. Uses the well-known development account devstoreaccount1.
 */
final class AzuriteBlobStorage implements AutoCloseable {
    static final String ACCOUNT = "devstoreaccount1";
    static final String KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private static final String VERSION = "3.35.0";
    private static final Path INSTALL = Path.of("target", "azurite");

    private final Process process;
    private final int port;
    private final BlobServiceClient service;

    private AzuriteBlobStorage(Process process, int port) {
        this.process = process;
        this.port = port;
        this.service = new BlobServiceClientBuilder().endpoint(endpoint())
                .credential(new StorageSharedKeyCredential(ACCOUNT, KEY)).buildClient();
    }

    static AzuriteBlobStorage start(Path dataDir) throws Exception {
        Path main = INSTALL.resolve("node_modules/azurite/dist/src/blob/main.js");
        if (!Files.exists(main)) install();
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Process p = new ProcessBuilder("node", main.toString(), "--blobHost", "127.0.0.1", "--blobPort",
                Integer.toString(port), "--location", dataDir.toString(), "--skipApiVersionCheck", "--disableTelemetry")
                .redirectErrorStream(true).redirectOutput(dataDir.resolve("azurite.log").toFile()).start();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> accepts(port));
        return new AzuriteBlobStorage(p, port);
    }

    private static void install() throws IOException, InterruptedException {
        Files.createDirectories(INSTALL);
        // npm's output goes to a file: the test JVM's own stdout is surefire's channel to Maven.
        java.nio.file.Path log = INSTALL.resolve("npm-install.log");
        Process npm = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--prefix", INSTALL.toString(),
                "azurite@" + VERSION).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        if (!npm.waitFor(10, TimeUnit.MINUTES) || npm.exitValue() != 0) {
            npm.destroyForcibly();
            String output = Files.exists(log) ? Files.readString(log) : "";
            throw new IOException("npm install azurite@" + VERSION + " failed:\n"
                    + output.substring(Math.max(0, output.length() - 2000)));
        }
    }

    private static boolean accepts(int port) {
        try (Socket ignored = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    String endpoint() {
        return "http://127.0.0.1:" + port + "/" + ACCOUNT;
    }

    BlobContainerClient container(String name) {
        BlobContainerClient c = service.getBlobContainerClient(name);
        if (!c.exists()) c.create();
        return c;
    }

    /** A container URL with a SAS allowing read, list, write and create for an hour. */
    String containerSasUrl(String name) {
        BlobContainerClient c = container(name);
        String sas = c.generateSas(new BlobServiceSasSignatureValues(OffsetDateTime.now().plusHours(1),
                new BlobContainerSasPermission().setReadPermission(true).setListPermission(true)
                        .setWritePermission(true).setCreatePermission(true)));
        return c.getBlobContainerUrl() + "?" + sas;
    }

    List<String> blobNames(String container) {
        return container(container).listBlobs().stream().map(b -> b.getName()).sorted().toList();
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
