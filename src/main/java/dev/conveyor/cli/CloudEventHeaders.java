package dev.conveyor.cli;

import org.apache.kafka.common.header.Headers;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/** CloudEvents 1.0 binary-mode headers for records the CLI publishes with a plain Kafka producer. */
final class CloudEventHeaders {
    private CloudEventHeaders() {
    }

    static void add(Headers headers, String type, String source, String subject) {
        put(headers, "ce_specversion", "1.0");
        put(headers, "ce_id", UUID.randomUUID().toString());
        put(headers, "ce_type", type);
        put(headers, "ce_source", source);
        put(headers, "ce_subject", subject);
        put(headers, "ce_time", OffsetDateTime.now(ZoneOffset.UTC).toString());
        put(headers, "content-type", "application/json");
    }

    private static void put(Headers headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
