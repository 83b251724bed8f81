package dev.conveyor.emulator.azurite;

import java.nio.file.Path;

/**
 * How to run Azurite's blob service.
 *
 * @param installDir where {@code npm install azurite@<version>} puts it (tests: {@code target/azurite};
 *                   the CLI: under its data dir); installed on first use, reused after
 * @param dataDir    where Azurite keeps blobs and its log ({@code azurite.log}); null keeps them in memory
 * @param port       the blob port, 0 for a free one
 * @param tls        serve HTTPS with this PKCS#12 certificate (and OAuth bearer tokens, which Azure SDKs
 *                   only send over HTTPS), or null for plain HTTP
 */
public record AzuriteOptions(Path installDir, Path dataDir, int port, Tls tls) {

    /** A PKCS#12 file holding the server's certificate and key, and its password. */
    public record Tls(Path pfx, String password) {
        @Override
        public String toString() {
            return "Tls[" + pfx + "]";
        }
    }

    public static AzuriteOptions installedIn(Path installDir) {
        return new AzuriteOptions(installDir, null, 0, null);
    }

    public AzuriteOptions withDataDir(Path dir) {
        return new AzuriteOptions(installDir, dir, port, tls);
    }

    public AzuriteOptions withPort(int p) {
        return new AzuriteOptions(installDir, dataDir, p, tls);
    }

    public AzuriteOptions withTls(Tls t) {
        return new AzuriteOptions(installDir, dataDir, port, t);
    }
}
