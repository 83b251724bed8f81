package dev.conveyor.cli;

import io.smallrye.config.ConfigValidationException;

import java.io.PrintWriter;

/**
 * What {@code serve} and {@code run} say when the service itself does not start: Quarkus hands the
 * failure to the exit handler and prints nothing of it, so a misspelt {@code conveyor.*} property
 * ended {@code serve} with exit code 1 and no word why.
 */
final class StartFailures {
    private StartFailures() {
    }

    /** Prints the failure on one line per problem and returns the exit code: 2 for configuration, else 70. */
    static int report(Throwable failure, PrintWriter err) {
        ConfigValidationException config = find(failure, ConfigValidationException.class);
        if (config != null) {
            err.println("conveyor: the service did not start: its configuration has "
                    + config.getProblemCount() + " problem(s):");
            for (int i = 0; i < config.getProblemCount(); i++) {
                err.println("  - " + config.getProblem(i).getMessage());
            }
            err.flush();
            return ExitCodes.BAD_INPUT;
        }
        err.println("conveyor: the service did not start: " + FriendlyErrors.describe(failure)
                + (FriendlyErrors.debug() ? "" : " (" + FriendlyErrors.DEBUG_ENV + "=1 shows the stack trace)"));
        if (FriendlyErrors.debug()) {
            failure.printStackTrace(err);
        }
        err.flush();
        return ExitCodes.INTERNAL_ERROR;
    }

    private static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
