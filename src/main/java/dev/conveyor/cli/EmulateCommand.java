package dev.conveyor.cli;

import dev.conveyor.emulator.aws.AwsBatchEmulator;
import dev.conveyor.emulator.aws.AwsBatchEmulatorOptions;
import dev.conveyor.emulator.azure.AzureBatchEmulator;
import dev.conveyor.emulator.azure.AzureBatchEmulatorOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/** {@code conveyor emulate azure-batch|aws-batch}: a local Batch API emulator, until Ctrl-C. */
@Command(name = "emulate", mixinStandardHelpOptions = true,
        description = "Run a local Azure Batch or AWS Batch API emulator that the official SDKs and CLIs can talk to.",
        subcommands = {EmulateCommand.AzureBatch.class, EmulateCommand.AwsBatch.class})
public final class EmulateCommand implements Runnable {
    static final String HOST = "Address to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 for every interface, "
            + "e.g. in a container that others reach)";

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    static void waitForCtrlC(AutoCloseable emulator) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                emulator.close();
            } catch (Exception ignored) {
                // stopping anyway
            }
            stopped.countDown();
        }));
        stopped.await();
    }

    @Command(name = "azure-batch", mixinStandardHelpOptions = true,
            description = "Azure Batch data-plane API (SharedKey auth), tasks run as local processes.")
    static final class AzureBatch implements java.util.concurrent.Callable<Integer> {
        @Option(names = "--host", defaultValue = "127.0.0.1", description = HOST)
        String host;
        @Option(names = "--port", defaultValue = "8089", description = "Port (default: ${DEFAULT-VALUE}; 0 = any free port)")
        int port;
        @Option(names = "--account", defaultValue = "conveyoremu", description = "Account name (default: ${DEFAULT-VALUE})")
        String account;
        @Option(names = "--key", description = "Account key, base64 (default: a new random key)")
        String key;
        @Option(names = "--work-dir", description = "Where task folders go (default: a temporary folder, deleted when the emulator stops)")
        Path workDir;

        /** Starts the emulator these options describe. */
        AzureBatchEmulator start() {
            return AzureBatchEmulator.start(AzureBatchEmulatorOptions.defaults()
                    .withHost(host).withPort(port).withAccount(account, key).withWorkDir(workDir));
        }

        @Override
        public Integer call() throws Exception {
            AzureBatchEmulator emulator = start();
            System.out.println("Azure Batch emulator");
            System.out.println("  endpoint:     " + emulator.endpoint());
            System.out.println("  account name: " + emulator.accountName());
            System.out.println("  account key:  " + emulator.accountKey());
            System.out.println("  stats:        " + emulator.endpoint() + "/emulator/stats");
            System.out.println("Try: az batch pool list --account-endpoint " + emulator.endpoint()
                    + " --account-name " + emulator.accountName() + " --account-key <key>");
            System.out.println("Ctrl-C to stop.");
            waitForCtrlC(emulator);
            return 0;
        }
    }

    @Command(name = "aws-batch", mixinStandardHelpOptions = true,
            description = "AWS Batch API (SigV4 auth) and CloudWatch Logs GetLogEvents, jobs run as local processes.")
    static final class AwsBatch implements java.util.concurrent.Callable<Integer> {
        @Option(names = "--host", defaultValue = "127.0.0.1", description = HOST)
        String host;
        @Option(names = "--port", defaultValue = "8090", description = "Port (default: ${DEFAULT-VALUE}; 0 = any free port)")
        int port;
        @Option(names = "--region", defaultValue = "us-east-1", description = "Region (default: ${DEFAULT-VALUE})")
        String region;
        @Option(names = "--access-key-id", description = "Access key id (default: a new random one)")
        String accessKeyId;
        @Option(names = "--secret-access-key", description = "Secret access key (default: a new random one)")
        String secretAccessKey;
        @Option(names = "--vcpus", defaultValue = "4", description = "vCPUs of the default compute environment (default: ${DEFAULT-VALUE})")
        int vcpus;
        @Option(names = "--work-dir", description = "Where job folders go (default: a temporary folder, deleted when the emulator stops)")
        Path workDir;

        /** Starts the emulator these options describe. */
        AwsBatchEmulator start() {
            AwsBatchEmulatorOptions.Builder options = AwsBatchEmulatorOptions.builder().host(host).port(port).region(region)
                    .defaultVcpus(vcpus).workDir(workDir);
            if (accessKeyId != null && secretAccessKey != null) {
                options.credentials(accessKeyId, secretAccessKey);
            }
            return AwsBatchEmulator.start(options.build());
        }

        @Override
        public Integer call() throws Exception {
            AwsBatchEmulator emulator = start();
            System.out.println("AWS Batch emulator (with CloudWatch Logs GetLogEvents)");
            System.out.println("  endpoint:          " + emulator.endpoint());
            System.out.println("  region:            " + emulator.region());
            System.out.println("  access key id:     " + emulator.accessKeyId());
            System.out.println("  secret access key: " + emulator.secretAccessKey());
            System.out.println("  job queue:         " + AwsBatchEmulatorOptions.DEFAULT_QUEUE);
            System.out.println("  stats:             " + emulator.endpoint() + "/emulator/stats");
            System.out.println("Try: AWS_ACCESS_KEY_ID=" + emulator.accessKeyId() + " AWS_SECRET_ACCESS_KEY=<secret> "
                    + "aws batch describe-job-queues --endpoint-url " + emulator.endpoint() + " --region " + emulator.region());
            System.out.println("Ctrl-C to stop.");
            waitForCtrlC(emulator);
            return 0;
        }
    }
}
