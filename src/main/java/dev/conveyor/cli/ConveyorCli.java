package dev.conveyor.cli;

import io.quarkus.runtime.annotations.QuarkusMain;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code conveyor} command: every sub-command starts here. */
@QuarkusMain
@Command(name = "conveyor", mixinStandardHelpOptions = true, version = "conveyor 0.1.0",
        description = "Runs workflow jobs on batch compute, driven by Kafka.",
        subcommands = {RunCommand.class, ServeCommand.class, SubmitCommand.class, WatchCommand.class,
                CancelCommand.class, ResultCommand.class, EmulateCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:the job SUCCEEDED (or the command did what it was asked)",
                "1:the job FAILED, TIMED_OUT or was CANCELLED",
                "2:the job was REJECTED, or bad input: a missing or invalid file or option, an unknown job id",
                "3:no result (yet): the job is still running, or its result is elsewhere",
                "4:--timeout ran out: the job was cancelled (run, submit --wait)",
                "5:cannot reach Kafka, or no Conveyor topics there",
                "70:an unexpected error (CONVEYOR_DEBUG=1 shows the stack trace)"})
public final class ConveyorCli implements Runnable {

    public static void main(String... args) {
        quietBeforeLoggingIsConfigured();
        System.exit(commandLine().execute(args));
    }

    /**
     * Until Quarkus configures logging, every record is queued at every level; the embedded broker's
     * JMX registration alone (FINEST) overran that queue, and when the service then failed to start
     * (a bad setting) the queue was dumped before the one useful message: "LogManager error of type
     * WRITE_FAILURE ... Did you forget to configure logging?", and Hibernate Validator's version line.
     * Those two categories start at WARNING instead; Quarkus's configuration applies as before.
     */
    private static void quietBeforeLoggingIsConfigured() {
        for (String category : new String[] {"javax.management", "org.hibernate.validator"}) {
            java.util.logging.Logger.getLogger(category).setLevel(java.util.logging.Level.WARNING);
        }
    }

    /** The command line with the error handling every entry point (and every test) uses. */
    public static CommandLine commandLine() {
        return new CommandLine(new ConveyorCli()).setExecutionExceptionHandler(new FriendlyErrors());
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
