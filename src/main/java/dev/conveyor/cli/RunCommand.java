package dev.conveyor.cli;

import dev.conveyor.model.result.JobResult;
import dev.conveyor.submission.UnreadableRequestException;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code conveyor run FILE}: the whole stack in one process — an embedded broker, all five stages,
 * the local provider and the file store — runs one job, shows its progress and its result.
 * Exit code: 0 SUCCEEDED, 1 FAILED/TIMED_OUT/CANCELLED, 2 REJECTED or unreadable, 3 no result.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run one job (JSON or YAML request) on an embedded stack and print its result.")
public final class RunCommand implements Callable<Integer> {

    @Parameters(index = "0", description = "The job request file (JSON or YAML)")
    Path file;

    @Option(names = {"-p", "--param"}, description = "Set a request param: --param name=value (repeatable)")
    Map<String, String> params = new LinkedHashMap<>();

    @Option(names = "--json", description = "Print the result as JSON instead of a summary")
    boolean json;

    @Option(names = "--timeout", defaultValue = "PT24H", description = "Give up waiting for the result after this ISO-8601 duration (default: ${DEFAULT-VALUE})")
    Duration timeout;

    @Option(names = "--data-dir", defaultValue = ".conveyor", description = "Runtime data folder (default: ${DEFAULT-VALUE})")
    Path dataDir;

    /** Handed to the Quarkus application, which runs in this JVM. */
    static volatile RunCommand current;
    private String jobId;
    private byte[] request;

    @Override
    public Integer call() throws IOException {
        PrintStream err = System.err;
        try {
            RequestFile loaded = RequestFile.load(file, params);
            jobId = loaded.jobId();
            request = loaded.body();
        } catch (UnreadableRequestException e) {
            err.println("conveyor: " + file + " is not a job request: " + e.getMessage());
            return 2;
        }
        Path kafkaDir = Files.createTempDirectory(Files.createDirectories(dataDir.toAbsolutePath()), "run-kafka-");
        configureService(file.toAbsolutePath().getParent());
        err.println("Starting embedded Kafka and the five stages...");
        try (EmbeddedStack stack = EmbeddedStack.start(EmbeddedStack.configuredBootstrap(null), kafkaDir, 0)) {
            current = this;
            int[] exit = {3};
            Quarkus.run(RunApp.class, (code, failure) -> {
                if (failure != null) {
                    err.println("conveyor: the service failed: " + failure);
                }
                exit[0] = failure == null ? code : 3;
            });
            return exit[0];
        } finally {
            deleteTree(kafkaDir);
        }
    }

    private void configureService(Path requestFolder) {
        System.setProperty("conveyor.data-dir", dataDir.toString());
        System.setProperty("conveyor.instance-id", "run-" + ProcessHandle.current().pid());
        // Inputs given as file: sources may be read from the request's own folder.
        System.setProperty("conveyor.storage.allowed-file-roots", requestFolder.toString());
        // Progress and result go to the terminal; service logs only when something is wrong.
        System.setProperty("quarkus.log.level", "WARN");
        System.setProperty("quarkus.log.console.stderr", "true");
        // Warnings a run cannot act on: the broker's bootstrap notes, commits racing shutdown.
        System.setProperty("quarkus.log.category.\"org.apache.kafka\".level", "ERROR");
        System.setProperty("quarkus.log.category.\"io.smallrye.reactive.messaging.kafka\".level", "ERROR");
    }

    int followJob() {
        PrintStream err = System.err;
        try (JobClient client = new JobClient(System.getProperty("kafka.bootstrap.servers"),
                ClientOptions.topic("requests"), ClientOptions.topic("status"), ClientOptions.topic("results"))) {
            client.followFromNow();
            client.submit(jobId, request);
            err.println("Submitted job " + jobId + " (" + file + "); Ctrl-C cancels it");
            CancelOnInterrupt.install(client, jobId, err);
            ProgressDisplay progress = ProgressDisplay.forStream(err);
            Optional<JobResult> result = client.await(jobId, progress::onStatus, timeout);
            progress.finish();
            return Results.show(jobId, result, json);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: a temporary broker folder
        }
    }

    public static final class RunApp implements QuarkusApplication {
        @Override
        public int run(String... args) {
            return current.followJob();
        }
    }
}
