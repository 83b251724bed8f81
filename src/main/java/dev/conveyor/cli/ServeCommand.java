package dev.conveyor.cli;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code conveyor serve}: the long-lived service, all configured stages. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the Conveyor service (the stages in conveyor.stages). Starts an embedded Kafka "
                + "broker when no bootstrap servers are configured.")
public final class ServeCommand implements Callable<Integer> {

    @Option(names = "--bootstrap-servers", description = "Kafka cluster to use (default: $KAFKA_BOOTSTRAP_SERVERS, "
            + "else an embedded broker)")
    String bootstrapServers;

    @Option(names = "--kafka-port", defaultValue = "9092", description = "Port of the embedded broker (default: ${DEFAULT-VALUE})")
    int kafkaPort;

    @Option(names = "--data-dir", defaultValue = "${sys:conveyor.data-dir:-${env:CONVEYOR_DATA_DIR:-.conveyor}}",
            description = "Runtime data folder (default: ${DEFAULT-VALUE})")
    Path dataDir;

    @Option(names = "--stages", description = "Comma-separated stages to run (default: $CONVEYOR_STAGES, else all five: "
            + "submission,staging,dispatch,monitoring,collection; 'none': only the web view, health and metrics)")
    String stages;

    @Override
    public Integer call() {
        System.setProperty("conveyor.data-dir", dataDir.toString());
        java.util.Set<String> selected;
        try {
            selected = StageSelection.resolve(stages);
        } catch (IllegalArgumentException e) {
            throw CliException.badInput(e.getMessage());
        }
        java.util.Set<String> running = StageSelection.apply(selected);
        System.out.println("Stages: " + (running.isEmpty() ? "none (web view, health and metrics only)" : String.join(", ", running)));
        String configured = EmbeddedStack.configuredBootstrap(bootstrapServers);
        if (configured != null) {
            KafkaClients.requireReachable(configured); // one line and exit 5, not a failed start-up's trace
        }
        try (EmbeddedStack stack = EmbeddedStack.start(configured,
                dataDir.resolve("kafka"), kafkaPort)) {
            if (stack.embedded()) {
                System.out.println("Embedded Kafka broker: " + stack.bootstrapServers()
                        + "  (data in " + dataDir.resolve("kafka") + ")");
            }
            int[] exit = {0};
            Quarkus.run(ServeApp.class, (code, failure) -> exit[0] = failure == null ? code
                    : StartFailures.report(failure, new java.io.PrintWriter(System.err, true)));
            return exit[0];
        }
    }

    public static final class ServeApp implements QuarkusApplication {
        @Override
        public int run(String... args) {
            System.out.println("Conveyor is serving on " + System.getProperty("kafka.bootstrap.servers")
                    + "; publish requests to the requests topic, Ctrl-C to stop.");
            Quarkus.waitForExit();
            return 0;
        }
    }
}
