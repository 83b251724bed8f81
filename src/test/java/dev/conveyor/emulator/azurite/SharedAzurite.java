package dev.conveyor.emulator.azurite;

import java.nio.file.Path;

/**
 * One Azurite per test JVM, started on first use (installed from npm into {@code target/azurite}),
 * blobs in memory, stopped when the JVM exits. Tests that share it use container names or key
 * prefixes of their own.
 */
public final class SharedAzurite {
    public static final Path INSTALL_DIR = Path.of("target", "azurite");
    private static Azurite instance;

    private SharedAzurite() {
    }

    public static synchronized Azurite get() {
        if (instance == null) {
            try {
                instance = Azurite.start(AzuriteOptions.installedIn(INSTALL_DIR));
            } catch (Exception e) {
                throw new IllegalStateException("cannot start Azurite (needs node and npm on the PATH)", e);
            }
            Azurite started = instance;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "azurite-stop"));
        }
        return instance;
    }
}
