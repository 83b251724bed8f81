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

    /** A client for the cluster; fails at once with exit code 5 when nothing answers at its address. */
    JobClient client() {
        KafkaClients.requireReachable(bootstrap());
        return new JobClient(bootstrap(), ConveyorTopics.configured());
    }

    JobLookup lookup() {
        KafkaClients.requireReachable(bootstrap());
        return new JobLookup(bootstrap(), ConveyorTopics.configured());
    }
}
