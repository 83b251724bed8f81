package dev.conveyor.cli;

import java.nio.file.Path;

/**
 * The configuration {@code run} gives the service it starts in its own JVM, as system properties
 * read by Quarkus at start. Each is a default: a {@code -Dkey=value} given for the same key wins.
 */
final class RunServiceConfig {
    private RunServiceConfig() {
    }

    static void apply(Path dataDir, Path requestFolder) {
        System.setProperty("conveyor.data-dir", dataDir.toString());
        setDefault("conveyor.instance-id", "run-" + ProcessHandle.current().pid());
        // No fixed HTTP port: a `serve` on this machine may hold 8080 (health endpoints are for services).
        setDefault("quarkus.http.port", "0");
        // The web view (/ui) serves long-lived processes; a run's HTTP port is random and its broker thrown away.
        setDefault("conveyor.ui.enabled", "false");
        // Inputs given as file: sources may be read from the request's own folder.
        setDefault("conveyor.storage.allowed-file-roots", requestFolder.toString());
        // Progress and result go to the terminal; service logs only when something is wrong.
        setDefault("quarkus.log.level", "WARN");
        setDefault("quarkus.log.console.stderr", "true");
        // Warnings a run cannot act on: the broker's bootstrap notes, commits racing shutdown.
        setDefault("quarkus.log.category.\"org.apache.kafka\".level", "ERROR");
        setDefault("quarkus.log.category.\"io.smallrye.reactive.messaging.kafka\".level", "ERROR");
        // A consumer resumes a paused partition, and closes, only between two polls: waiting at
        // most 100 ms (instead of 1 s and 500 ms) makes each hop between stages and the shutdown
        // of each consumer that much shorter. Idle, that is ten cheap requests a second.
        setDefault("mp.messaging.connector.smallrye-kafka.poll-timeout", "100");
        setDefault("mp.messaging.connector.smallrye-kafka.fetch.max.wait.ms", "100");
    }

    /**
     * For the broker {@code run} starts and deletes afterwards: one partition per topic is plenty
     * for one job (fewer to create, assign, flush and close), and once the result is printed —
     * committed, with the job's clean-up done — no record is in flight, so the connector's graceful
     * shutdown (a sleep of twice the poll timeout per channel) has nothing to wait for.
     */
    static void forThrowAwayBroker() {
        setDefault("conveyor.topics.partitions", "1");
        setDefault("mp.messaging.connector.smallrye-kafka.graceful-shutdown", "false");
    }

    static void setDefault(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
