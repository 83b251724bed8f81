package dev.conveyor.cli;

import dev.conveyor.submission.Durations;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.time.Duration;

/** {@code --timeout} and friends take durations as jobs do: 30s, 5m, 1h30m, 2d, PT30S or seconds. */
final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        try {
            return Duration.ofSeconds(Durations.toSeconds(value));
        } catch (Durations.InvalidDurationException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
