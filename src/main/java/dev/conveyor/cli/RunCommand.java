package dev.conveyor.cli;

import dev.conveyor.model.result.JobResult;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code conveyor run FILE}: the whole stack in one process — an embedded broker, all five stages,
 * the local provider and the file store — runs one job, shows its progress and its result.
 * Exit codes: {@link ExitCodes}.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run one job (JSON or YAML request, at most 4 MiB) on an embedded stack and print its result.")
public final class RunCommand implements Callable<Integer> {
    private static final String RERUN_HINT = "to run it again, give the request another id (or remove its id to get a "
            + "new one each time), or use another --data-dir";

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", description = "The job request file (JSON or YAML)")
    Path file;

    @Option(names = {"-p", "--param"}, description = "Set a param the request declares: --param name=value (repeatable)")
    Map<String, String> params = new LinkedHashMap<>();

    @Mixin
    WaitOptions waiting;

    @Option(names = "--data-dir", defaultValue = "${sys:conveyor.data-dir:-${env:CONVEYOR_DATA_DIR:-.conveyor}}",
            description = "Runtime data folder (default: ${DEFAULT-VALUE})")
    Path dataDir;

    @Option(names = "--emulate", description = "Start a local emulator for each cloud backend the request "
            + "runs on (Azure Batch with Azurite, AWS Batch with an S3 server) and point the service at it")
    boolean emulate;

    /** Handed to the Quarkus application, which runs in this JVM. */
    static volatile RunCommand current;
    private RequestFile request;
    private StoredJobs stored;
    private RuntimeException failure;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        request = RequestFile.load(file, params);
        stored = StoredJobs.of(dataDir);
        Optional<String> acceptedFrom = stored.acceptedFrom(request.jobId());
        if (acceptedFrom.isPresent()) {
            // This data folder already holds a job with this id; a new broker would not know it.
            return new DuplicateReport(waiting.json, spec.commandLine().getOut(), err).print(request.jobId(),
                    "a job with this id was already accepted in " + dataDir + " (from " + acceptedFrom.get() + ")",
                    stored.result(request.jobId()), RERUN_HINT);
        }
        String configured = EmbeddedStack.configuredBootstrap(null);
        if (configured != null) {
            KafkaClients.requireReachable(configured);
        }
        Path kafkaDir = temporaryBrokerDir();
        List<Emulation> emulations = emulate
                ? Emulations.start(request.backendTypes(), dataDir.toAbsolutePath().resolve("emulators"))
                : List.of();
        emulations.forEach(e -> {
            e.serviceConfig().forEach(RunServiceConfig::setDefault);
            err.println("Emulating " + e.describe());
        });
        RunServiceConfig.apply(dataDir, file.toAbsolutePath().getParent());
        err.println("Starting embedded Kafka and the five stages...");
        err.flush();
        try (Emulations.Running running = new Emulations.Running(emulations);
                EmbeddedStack stack = EmbeddedStack.forRun(kafkaDir)) {
            if (stack.embedded()) {
                RunServiceConfig.forThrowAwayBroker();
            }
            current = this;
            int[] exit = {ExitCodes.NO_RESULT};
            Quarkus.run(RunApp.class, (code, startFailure) ->
                    exit[0] = startFailure == null ? code : StartFailures.report(startFailure, err));
            if (failure != null) {
                throw failure;
            }
            return exit[0];
        } finally {
            current = null;
        }
    }

    private Path temporaryBrokerDir() {
        try {
            return Files.createTempDirectory(Files.createDirectories(dataDir.toAbsolutePath()), "run-kafka-");
        } catch (IOException e) {
            throw CliException.badInput("cannot create a folder in --data-dir " + dataDir + ": " + e.getMessage());
        }
    }

    int followJob() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String jobId = request.jobId();
        try (JobClient client = new JobClient(System.getProperty("kafka.bootstrap.servers"), ConveyorTopics.configured())) {
            client.followFromNow();
            RequestRecord published = client.submit(jobId, request.body());
            err.println("Submitted job " + jobId + " (" + file + "); Ctrl-C cancels it");
            err.flush();
            CancelOnInterrupt.install(client, jobId, err);
            return new OwnRequestWait(client, id -> earlierResult(client, id), waiting, out, err, RERUN_HINT)
                    .follow(jobId, published);
        } catch (RuntimeException e) {
            failure = e; // reported once the stack is down, at the command boundary
            return ExitCodes.INTERNAL_ERROR;
        }
    }

    /** An earlier job with the id: on this run's broker, else in the data folder (where earlier runs left it). */
    private Optional<JobResult> earlierResult(JobClient client, String jobId) {
        try (JobLookup lookup = new JobLookup(client.bootstrap(), ConveyorTopics.configured())) {
            Optional<JobResult> onKafka = lookup.findResult(jobId);
            return onKafka.isPresent() ? onKafka : stored.result(jobId);
        } catch (RuntimeException e) {
            return stored.result(jobId); // the data folder is what outlives a run; the broker is a bonus
        }
    }

    public static final class RunApp implements QuarkusApplication {
        @Override
        public int run(String... args) {
            return current.followJob();
        }
    }
}
