package dev.conveyor.cli;

/**
 * An expected failure of a command, with the one-line message the user sees and the exit code;
 * {@link FriendlyErrors} prints it without a stack trace.
 */
final class CliException extends RuntimeException {
    private final int exitCode;

    CliException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    static CliException badInput(String message) {
        return new CliException(ExitCodes.BAD_INPUT, message, null);
    }

    static CliException kafkaUnreachable(String bootstrap, Throwable cause) {
        return new CliException(ExitCodes.KAFKA_UNREACHABLE, "cannot reach Kafka at " + bootstrap
                + " (no answer within " + KafkaClients.API_TIMEOUT.toSeconds() + "s); is it running? "
                + "Set --bootstrap-servers or KAFKA_BOOTSTRAP_SERVERS", cause);
    }

    int exitCode() {
        return exitCode;
    }
}
