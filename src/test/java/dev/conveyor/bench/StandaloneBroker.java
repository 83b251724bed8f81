package dev.conveyor.bench;

import dev.conveyor.kafka.EmbeddedKafka;

import java.nio.file.Path;

/**
 * Kafka's own KRaft broker as a process of its own ({@code StandaloneBroker LOG_DIR PORT}), so the
 * chaos harness can SIGKILL it and start it again on the same log directory and port. Prints
 * {@code ready <bootstrap>} once it answers, then runs until it is killed.
 */
public final class StandaloneBroker {
    private StandaloneBroker() {
    }

    public static void main(String[] args) throws InterruptedException {
        EmbeddedKafka kafka = EmbeddedKafka.start(Path.of(args[0]), Integer.parseInt(args[1]));
        Runtime.getRuntime().addShutdownHook(new Thread(kafka::close));
        System.out.println("ready " + kafka.bootstrapServers());
        Thread.currentThread().join();
    }
}
