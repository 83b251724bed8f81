package dev.conveyor.cli;

import dev.conveyor.emulator.OwnedFiles;
import dev.conveyor.kafka.EmbeddedKafka;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Chooses the broker for {@code run} and {@code serve}: the configured cluster when
 * {@code kafka.bootstrap.servers} (or {@code KAFKA_BOOTSTRAP_SERVERS}) is set, otherwise an
 * embedded KRaft broker started here, whose address is handed to the service as system property.
 */
final class EmbeddedStack implements AutoCloseable {
    // Held so the JUL loggers keep their level until Quarkus configures logging.
    private static final Logger KAFKA_LOG = Logger.getLogger("kafka");
    private static final Logger APACHE_KAFKA_LOG = Logger.getLogger("org.apache.kafka");

    private final EmbeddedKafka broker;
    private final String bootstrapServers;
    private final Path throwAwayDir;

    private EmbeddedStack(EmbeddedKafka broker, String bootstrapServers, Path throwAwayDir) {
        this.broker = broker;
        this.bootstrapServers = bootstrapServers;
        this.throwAwayDir = throwAwayDir;
    }

    static String configuredBootstrap(String fromOption) {
        if (fromOption != null && !fromOption.isBlank()) {
            return fromOption;
        }
        String prop = System.getProperty("kafka.bootstrap.servers");
        if (prop != null && !prop.isBlank()) {
            return prop;
        }
        String env = System.getenv("KAFKA_BOOTSTRAP_SERVERS");
        return env == null || env.isBlank() ? null : env;
    }

    /** Use {@code bootstrap} when given, else start a broker in {@code logDir} on {@code port} (0 = any). */
    static EmbeddedStack start(String bootstrap, Path logDir, int port) {
        return start(bootstrap, logDir, port, null);
    }

    /** For {@code run}: the configured cluster, else a broker on any port in {@code dir}, deleted on close. */
    static EmbeddedStack forRun(Path dir) {
        return start(configuredBootstrap(null), dir, 0, dir);
    }

    private static EmbeddedStack start(String bootstrap, Path logDir, int port, Path throwAwayDir) {
        EmbeddedKafka broker = null;
        if (bootstrap == null) {
            KAFKA_LOG.setLevel(Level.SEVERE);
            APACHE_KAFKA_LOG.setLevel(Level.SEVERE);
            broker = EmbeddedKafka.start(logDir, port);
            bootstrap = broker.bootstrapServers();
        }
        System.setProperty("kafka.bootstrap.servers", bootstrap);
        return new EmbeddedStack(broker, bootstrap, throwAwayDir);
    }

    boolean embedded() {
        return broker != null;
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    @Override
    public void close() {
        try {
            if (broker != null) {
                broker.close();
            }
        } finally {
            if (throwAwayDir != null) {
                OwnedFiles.deleteQuietly(throwAwayDir);
            }
        }
    }
}
