package dev.conveyor.messaging;

import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Message;

import java.nio.charset.StandardCharsets;

/**
 * Dead-letter records written by the stages themselves (inside a transaction), with the same
 * reason headers SmallRye's dead-letter-queue strategy uses, and the failed record's W3C trace context.
 */
public final class DeadLetters {
    private static final java.util.List<String> TRACE_HEADERS = java.util.List.of("traceparent", "tracestate");

    private DeadLetters() {
    }

    public static Message<String> of(Message<String> failed, String dlqTopic, Throwable reason) {
        RecordHeaders headers = new RecordHeaders();
        put(headers, "dead-letter-reason", reason.getMessage() == null ? reason.toString() : reason.getMessage());
        if (reason.getCause() != null) {
            put(headers, "dead-letter-cause", String.valueOf(reason.getCause().getMessage()));
        }
        failed.getMetadata(IncomingKafkaRecordMetadata.class).ifPresent(m -> {
            put(headers, "dead-letter-topic", m.getTopic());
            put(headers, "dead-letter-partition", String.valueOf(m.getPartition()));
            put(headers, "dead-letter-offset", String.valueOf(m.getOffset()));
            // the failed record's trace context: its trace goes on to the DLQ (as with SmallRye's strategy)
            for (String name : TRACE_HEADERS) {
                org.apache.kafka.common.header.Header h = m.getHeaders() == null ? null : m.getHeaders().lastHeader(name);
                if (h != null && h.value() != null) {
                    headers.add(name, h.value());
                }
            }
        });
        String key = RecordSource.key(failed);
        return Message.of(failed.getPayload()).addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(dlqTopic).withKey(key).withHeaders(headers).build());
    }

    private static void put(RecordHeaders headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
