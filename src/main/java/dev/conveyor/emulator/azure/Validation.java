package dev.conveyor.emulator.azure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.time.Period;
import java.time.format.DateTimeParseException;

/** Request body checks that answer the service's 400 errors. */
final class Validation {
    /** What the service answers for an unlimited duration (TimeSpan.MaxValue). */
    static final String UNLIMITED = "P10675199DT2H48M5.4775807S";

    private Validation() {
    }

    static String requiredId(ObjectNode body) {
        String id = requiredText(body, "id");
        if (!id.matches("[A-Za-z0-9_-]{1,64}")) {
            throw BatchException.invalidProperty("id", id, "The id can contain any combination of alphanumeric "
                    + "characters including hyphens and underscores, and cannot contain more than 64 characters.");
        }
        return id;
    }

    static String requiredText(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull() || v.asText().isEmpty()) throw BatchException.missingProperty(field);
        if (!v.isTextual()) throw BatchException.invalidProperty(field, v.toString(), "A string is expected.");
        return v.asText();
    }

    static int nonNegativeInt(JsonNode body, String field, int defaultValue) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) return defaultValue;
        if (!v.canConvertToInt() || v.asInt() < 0 || !v.isIntegralNumber()) {
            throw BatchException.invalidProperty(field, v.asText(), "A non-negative integer is expected.");
        }
        return v.asInt();
    }

    /** Parses an ISO-8601 duration such as PT10S or P1DT2H; null when absent or unlimited. */
    static Duration duration(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) return null;
        String s = v.asText();
        if (s.equals(UNLIMITED)) return null;
        try {
            return Duration.parse(s);
        } catch (DateTimeParseException e) {
            try {
                int t = s.indexOf('T');
                Period p = Period.parse(t < 0 ? s : s.substring(0, t));
                Duration rest = t < 0 ? Duration.ZERO : Duration.parse("P" + s.substring(t));
                return rest.plusDays(p.getYears() * 365L + p.getMonths() * 30L + p.getDays());
            } catch (DateTimeParseException e2) {
                throw BatchException.invalidProperty(field, s, "The value is not a valid ISO-8601 duration.");
            }
        }
    }
}
