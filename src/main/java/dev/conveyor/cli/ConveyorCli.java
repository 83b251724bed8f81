package dev.conveyor.cli;

import io.quarkus.runtime.annotations.QuarkusMain;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code conveyor} command: every sub-command starts here. */
@QuarkusMain
@Command(name = "conveyor", mixinStandardHelpOptions = true, version = "conveyor 0.1.0",
        description = "Runs workflow jobs on batch compute, driven by Kafka.",
        subcommands = {RunCommand.class, ServeCommand.class, SubmitCommand.class, WatchCommand.class,
                CancelCommand.class, ResultCommand.class, EmulateCommand.class})
public final class ConveyorCli implements Runnable {

    public static void main(String... args) {
        int code = new CommandLine(new ConveyorCli()).execute(args);
        System.exit(code);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
