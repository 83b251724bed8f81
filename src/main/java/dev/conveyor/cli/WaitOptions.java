package dev.conveyor.cli;

import picocli.CommandLine.Option;

import java.time.Duration;

/** How {@code run} and {@code submit --wait} wait for their job's result. */
final class WaitOptions {
    @Option(names = "--json", description = "Print the result as JSON instead of a summary")
    boolean json;

    @Option(names = "--timeout", defaultValue = "24h", converter = DurationConverter.class,
            description = "Give up after this long (30s, 5m, 1h30m, PT1H or seconds; default: ${DEFAULT-VALUE}): "
                    + "the job is cancelled and the exit code is 4")
    Duration timeout;

    @Option(names = "--cancel-wait", defaultValue = "15s", converter = DurationConverter.class,
            description = "After --timeout, how long to wait for the cancelled job's result (default: ${DEFAULT-VALUE})")
    Duration cancelWait;
}
