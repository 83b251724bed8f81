package dev.conveyor.cli;

import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

import java.io.PrintWriter;

/**
 * The command boundary: an exception a command lets out becomes one line on stderr and an exit
 * code ({@link ExitCodes}), never a stack trace — unless {@code CONVEYOR_DEBUG=1} asks for it.
 */
final class FriendlyErrors implements IExecutionExceptionHandler {
    static final String DEBUG_ENV = "CONVEYOR_DEBUG";

    @Override
    public int handleExecutionException(Exception e, CommandLine command, ParseResult parsed) {
        PrintWriter err = command.getErr();
        int code;
        if (e instanceof CliException known) {
            err.println("conveyor: " + known.getMessage());
            code = known.exitCode();
        } else if (KafkaClients.isUnreachable(e)) {
            err.println("conveyor: Kafka did not answer in time: " + describe(e));
            code = ExitCodes.KAFKA_UNREACHABLE;
        } else {
            err.println("conveyor: " + command.getCommandName() + " failed: " + describe(e)
                    + (debug() ? "" : " (" + DEBUG_ENV + "=1 shows the stack trace)"));
            code = ExitCodes.INTERNAL_ERROR;
        }
        if (debug()) {
            e.printStackTrace(err);
        }
        err.flush();
        return code;
    }

    static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return root == e ? message : message + " (" + e.getClass().getSimpleName() + ")";
    }

    static boolean debug() {
        String value = System.getenv(DEBUG_ENV);
        return value != null && !value.isBlank() && !value.equals("0") && !value.equalsIgnoreCase("false");
    }
}
