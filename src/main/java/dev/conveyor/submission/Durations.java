package dev.conveyor.submission;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Request durations: a positive number of seconds ({@code 90}, {@code 1.5}), number+unit parts with
 * units d, h, m, s ({@code 30s}, {@code 5m}, {@code 1h30m}, {@code 2d}), or ISO-8601 ({@code PT30S},
 * {@code P1DT2H}). Fractions of a second are rounded up to whole seconds.
 */
public final class Durations {

    /** Longest accepted duration: 366 days. */
    public static final long MAX_SECONDS = 366L * 24 * 3600;

    private static final Pattern NUMBER = Pattern.compile("[0-9]+(?:\\.[0-9]+)?");
    private static final Pattern PARTS = Pattern.compile("(?:[0-9]+(?:\\.[0-9]+)?\\s*[dhms]\\s*)+");
    private static final Pattern PART = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)\\s*([dhms])");

    private Durations() {
    }

    /** Thrown for a value that is not a valid duration; the message is meant for the user. */
    public static final class InvalidDurationException extends IllegalArgumentException {
        public InvalidDurationException(String message) {
            super(message);
        }
    }

    /**
     * Whole seconds of a request duration (a JSON number or string); absent/null gives 0 (= no limit).
     *
     * @throws InvalidDurationException if the value is not a positive duration of at most 366 days
     */
    public static long toSeconds(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return 0;
        }
        if (value.isNumber()) {
            return fromSeconds(value.decimalValue(), value.asText());
        }
        if (value.isTextual()) {
            return toSeconds(value.asText());
        }
        throw new InvalidDurationException("must be a duration such as 30s, 5m, 1h30m, 2d, PT30S or a number of seconds");
    }

    /** Whole seconds of a duration string; see the class comment for the accepted forms. */
    public static long toSeconds(String text) {
        String s = text.strip();
        String lower = s.toLowerCase(Locale.ROOT);
        if (NUMBER.matcher(s).matches()) {
            return fromSeconds(new BigDecimal(s), text);
        }
        if (PARTS.matcher(lower).matches()) {
            BigDecimal total = BigDecimal.ZERO;
            Matcher part = PART.matcher(lower);
            StringBuilder seen = new StringBuilder();
            while (part.find()) {
                String unit = part.group(2);
                if (seen.indexOf(unit) >= 0) {
                    throw new InvalidDurationException("'" + text + "' is not a valid duration: unit '" + unit + "' appears twice");
                }
                seen.append(unit);
                long factor = switch (unit) {
                    case "d" -> 86400;
                    case "h" -> 3600;
                    case "m" -> 60;
                    default -> 1;
                };
                total = total.add(new BigDecimal(part.group(1)).multiply(BigDecimal.valueOf(factor)));
            }
            return fromSeconds(total, text);
        }
        if (lower.startsWith("p")) {
            try {
                Duration d = Duration.parse(s.toUpperCase(Locale.ROOT));
                if (d.isNegative() || d.isZero()) {
                    throw new InvalidDurationException("'" + text + "' must be longer than zero");
                }
                BigDecimal seconds = BigDecimal.valueOf(d.getSeconds()).add(BigDecimal.valueOf(d.getNano(), 9));
                return fromSeconds(seconds, text);
            } catch (DateTimeParseException | ArithmeticException e) {
                throw invalid(text);
            }
        }
        throw invalid(text);
    }

    private static long fromSeconds(BigDecimal seconds, String text) {
        if (seconds.signum() <= 0) {
            throw new InvalidDurationException("'" + text + "' must be longer than zero");
        }
        if (seconds.compareTo(BigDecimal.valueOf(MAX_SECONDS)) > 0) {
            throw new InvalidDurationException("'" + text + "' is too long: at most 366 days (366d) is accepted");
        }
        return seconds.setScale(0, RoundingMode.CEILING).longValueExact();
    }

    private static InvalidDurationException invalid(String text) {
        return new InvalidDurationException("'" + text + "' is not a valid duration: use e.g. 30s, 5m, 1h30m, 2d, PT30S or a number of seconds");
    }
}
