package dev.conveyor.deploy;

import dev.conveyor.cli.ConveyorCli;
import picocli.CommandLine;

import java.util.List;

/** Checks command lines that deployment files give the image against the real {@code conveyor} CLI. */
final class ConveyorCommands {
    private ConveyorCommands() {
    }

    /**
     * Parses {@code args} as picocli would when the container starts (nothing is run).
     *
     * @return the parsed sub-command path, e.g. {@code [conveyor, emulate, azure-batch]}
     * @throws AssertionError naming the file and the problem when the CLI would refuse it
     */
    static List<String> parse(List<String> args, String where) {
        try {
            CommandLine.ParseResult result = new CommandLine(new ConveyorCli()).parseArgs(args.toArray(String[]::new));
            return result.asCommandLineList().stream().map(CommandLine::getCommandName).toList();
        } catch (CommandLine.ParameterException e) {
            throw new AssertionError(where + ": `conveyor " + String.join(" ", args) + "` is refused by the CLI: "
                    + e.getMessage(), e);
        }
    }

    /** Whether {@code conveyor <path...>} has the option {@code name}. */
    static boolean hasOption(List<String> commandPath, String name) {
        CommandLine command = new CommandLine(new ConveyorCli());
        for (String sub : commandPath) {
            command = command.getSubcommands().get(sub);
            if (command == null) {
                return false;
            }
        }
        return command.getCommandSpec().findOption(name) != null;
    }

    /** The value the parsed command gives option {@code name}, as text (null when absent). */
    static String optionValue(List<String> args, String name) {
        CommandLine.ParseResult result = new CommandLine(new ConveyorCli()).parseArgs(args.toArray(String[]::new));
        while (result.hasSubcommand()) {
            result = result.subcommand();
        }
        CommandLine.Model.OptionSpec option = result.matchedOption(name);
        return option == null ? null : String.valueOf((Object) option.getValue());
    }
}
