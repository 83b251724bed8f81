package dev.conveyor.model;

import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IsoInstantsTest {
    /** Jackson's own reading, what {@link Json} did before the fast path. */
    private static final JsonMapper JACKSON = JsonMapper.builder().addModule(new JavaTimeModule()).build();

    record At(Instant at) {
    }

    @Test
    void readsWhatInstantWritesExactlyAsJacksonDoes() throws Exception {
        SplittableRandom random = new SplittableRandom(20261206);
        for (int i = 0; i < 20_000; i++) {
            // years 0000..9999, every precision Instant.toString prints (none, millis, micros, nanos)
            long seconds = random.nextLong(-62_167_219_200L, 253_402_300_800L);
            int nanos = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1000;
                default -> random.nextInt(1_000_000_000);
            };
            Instant instant = Instant.ofEpochSecond(seconds, nanos);
            String text = instant.toString();
            assertThat(IsoInstants.parse(text)).as(text).isEqualTo(instant);
            String json = "{\"at\":\"" + text + "\"}";
            assertThat(Json.read(json, At.class).at()).as(text).isEqualTo(JACKSON.readValue(json, At.class).at());
        }
    }

    @Test
    void writesWhatInstantToStringAndJacksonWrite() throws Exception {
        JsonMapper jackson = JACKSON.rebuild().disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();
        SplittableRandom random = new SplittableRandom(20261207);
        java.util.List<Instant> instants = new java.util.ArrayList<>(java.util.List.of(Instant.EPOCH, Instant.MIN, Instant.MAX,
                Instant.parse("0000-01-01T00:00:00Z"), Instant.parse("9999-12-31T23:59:59.999999999Z"),
                Instant.parse("0000-01-01T00:00:00Z").minusNanos(1), Instant.parse("+10000-01-01T00:00:00Z"),
                Instant.parse("1969-12-31T23:59:59.5Z"), Instant.parse("2026-12-06T00:00:00.000001Z")));
        for (int i = 0; i < 20_000; i++) {
            // mostly years 0000..9999, some beyond on either side; every precision toString prints
            long seconds = i % 10 == 0 ? random.nextLong(-400_000_000_000L, 400_000_000_000L)
                    : random.nextLong(-62_167_219_200L, 253_402_300_800L);
            int nanos = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1000;
                default -> random.nextInt(1_000_000_000);
            };
            instants.add(Instant.ofEpochSecond(seconds, nanos));
        }
        for (Instant instant : instants) {
            assertThat(IsoInstants.format(instant)).isEqualTo(instant.toString());
            assertThat(Json.write(new At(instant))).isEqualTo(jackson.writeValueAsString(new At(instant)));
        }
    }

    @Test
    void everyOtherFormGoesToJacksonsParserAndIsReadOrRejectedAsBefore() throws Exception {
        String[] others = {"2026-12-06T14:05:09+01:00", "2026-12-06T14:05:09.5+00:00", "+10000-01-01T00:00:00Z",
                "2026-12-06t14:05:09Z", "2026-12-06T14:05Z", "2026-12-06T24:00:00Z", "2026-02-30T00:00:00Z",
                "2026-13-01T00:00:00Z", "2026-12-06T14:05:09.Z", "2026-12-06T14:05:09.1234567890Z", "not a time", ""};
        int rejected = 0;
        for (String text : others) {
            assertThat(IsoInstants.parse(text)).as(text).isNull();
            String json = "{\"at\":\"" + text + "\"}";
            Instant expected;
            try {
                expected = JACKSON.readValue(json, At.class).at();
            } catch (InvalidFormatException e) {
                rejected++;
                assertThatThrownBy(() -> Json.read(json, At.class)).as(text)
                        .isInstanceOf(java.io.UncheckedIOException.class).hasCauseInstanceOf(InvalidFormatException.class);
                continue;
            }
            assertThat(Json.read(json, At.class).at()).as(text).isEqualTo(expected);
        }
        assertThat(rejected).as("invalid dates among them").isGreaterThanOrEqualTo(5);
        // surrounding blanks are trimmed, as Jackson does; numbers (epoch seconds with a fraction) as before
        assertThat(Json.read("{\"at\":\" 2026-12-06T14:05:09Z \"}", At.class).at()).isEqualTo(Instant.parse("2026-12-06T14:05:09Z"));
        assertThat(Json.read("{\"at\":1765029909.5}", At.class).at()).isEqualTo(Instant.ofEpochSecond(1765029909L, 500_000_000));
    }
}
