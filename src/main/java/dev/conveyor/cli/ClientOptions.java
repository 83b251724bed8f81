package dev.conveyor.cli;

import picocli.CommandLine.Option;

/** Where the client commands find the cluster and the topics. */
public final class ClientOptions {
    @Option(names = "--bootstrap-servers", description = "Kafka cluster (default: $KAFKA_BOOTSTRAP_SERVERS, else 127.0.0.1:9092)")
    String bootstrapServers;

    String bootstrap() {
        String configured = EmbeddedStack.configuredBootstrap(bootstrapServers);
        return configured == null ? "127.0.0.1:9092" : configured;
    }

    static String topic(String name) {
        return System.getProperty("conveyor.topics." + name, "conveyor." + name);
    }

    JobClient client() {
        return new JobClient(bootstrap(), topic("requests"), topic("status"), topic("results"));
    }
}
