package dev.conveyor.messaging;

import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import org.eclipse.microprofile.reactive.messaging.Message;

/** Where an incoming record came from: "topic/partition/offset", stable across re-deliveries. */
public final class RecordSource {
    private RecordSource() {
    }

    public static String of(Message<?> message) {
        return message.getMetadata(IncomingKafkaRecordMetadata.class)
                .map(m -> m.getTopic() + "/" + m.getPartition() + "/" + m.getOffset())
                .orElse("unknown");
    }

    /** The record's key (the job id), or its position when it has none: what per-key ordering goes by. */
    public static String orderingKey(Message<?> message) {
        String key = key(message);
        return key != null ? key : of(message);
    }

    @SuppressWarnings("unchecked")
    public static String key(Message<?> message) {
        return message.getMetadata(IncomingKafkaRecordMetadata.class)
                .map(m -> m.getKey() == null ? null : m.getKey().toString())
                .orElse(null);
    }
}
