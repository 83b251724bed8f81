package dev.conveyor.submission;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * Generates job ids such as {@code job-01jd3x8zq4-k7f3a9c2}: {@code job-}, the creation time in
 * milliseconds as 10 lower-case Crockford base-32 characters (so ids sort by creation time), {@code -}
 * and 8 random base-32 characters. They match the request id pattern. Thread-safe.
 */
public final class JobIds implements Supplier<String> {

    private static final char[] ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Clock clock;

    public JobIds() {
        this(Clock.systemUTC());
    }

    public JobIds(Clock clock) {
        this.clock = clock;
    }

    /** A new unique id. */
    public String newId() {
        long millis = clock.millis();
        char[] id = new char[4 + 10 + 1 + 8];
        "job-".getChars(0, 4, id, 0);
        for (int i = 13; i >= 4; i--) {
            id[i] = ALPHABET[(int) (millis & 31)];
            millis >>>= 5;
        }
        id[14] = '-';
        long random = RANDOM.nextLong();
        for (int i = 15; i < id.length; i++) {
            id[i] = ALPHABET[(int) (random & 31)];
            random >>>= 5;
        }
        return new String(id);
    }

    @Override
    public String get() {
        return newId();
    }
}
