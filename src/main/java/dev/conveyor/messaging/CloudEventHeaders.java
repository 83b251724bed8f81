package dev.conveyor.messaging;

import dev.conveyor.model.IsoInstants;
import org.apache.kafka.common.header.Headers;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * CloudEvents 1.0 binary-mode headers ({@code ce_*} and {@code content-type}: the Kafka protocol
 * binding) for records published with a plain Kafka producer — the stages' events, the CLI's
 * requests and cancels, the web view's cancels.
 */
public final class CloudEventHeaders {
    private CloudEventHeaders() {
    }

    /** Adds the headers of a JSON event with a fresh id and the current time. */
    public static void add(Headers headers, String type, String source, String subject) {
        put(headers, "ce_specversion", "1.0");
        put(headers, "ce_id", eventId());
        put(headers, "ce_type", type);
        put(headers, "ce_source", source);
        put(headers, "ce_subject", subject);
        // RFC 3339 in UTC, always with seconds, written without a DateTimeFormatter (a third of this
        // method's time went to OffsetDateTime.now and ISO_OFFSET_DATE_TIME)
        put(headers, "ce_time", IsoInstants.format(Instant.now()));
        put(headers, "content-type", "application/json");
    }

    /**
     * A random (version 4) UUID for a CloudEvent's {@code id}, which only has to be unique per
     * source: from the thread's own generator, where {@link UUID#randomUUID()} takes a lock around a
     * read of the system's secure generator for every event. Nothing is derived from it.
     */
    public static String eventId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long msb = (r.nextLong() & ~0xF000L) | 0x4000L; // version 4
        long lsb = (r.nextLong() & ~(0xC000L << 48)) | (0x8000L << 48); // IETF variant
        return new UUID(msb, lsb).toString();
    }

    private static void put(Headers headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
