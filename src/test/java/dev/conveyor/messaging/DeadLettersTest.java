package dev.conveyor.messaging;

import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** A dead letter a stage writes itself: reason headers, where the record was, and its trace context. */
class DeadLettersTest {
    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void aDeadLetterNamesItsReasonAndSourceAndContinuesTheFailedRecordsTrace() {
        RecordHeaders incoming = new RecordHeaders();
        incoming.add("traceparent", TRACEPARENT.getBytes(StandardCharsets.UTF_8));
        incoming.add("unrelated", "x".getBytes(StandardCharsets.UTF_8));
        ConsumerRecord<String, String> record = new ConsumerRecord<>("conveyor.completed", 3, 17L, 0L, TimestampType.CREATE_TIME,
                0, 0, "job-1", "{not json", incoming, Optional.empty());
        Message<String> failed = Message.of("{not json").addMetadata(new IncomingKafkaRecordMetadata<>(record, "completed-in"));

        Message<String> dead = DeadLetters.of(failed, "conveyor.dlq", new IllegalArgumentException("unreadable completion"));

        OutgoingKafkaRecordMetadata<?> out = dead.getMetadata(OutgoingKafkaRecordMetadata.class).orElseThrow();
        assertThat(out.getTopic()).isEqualTo("conveyor.dlq");
        assertThat(out.getKey()).isEqualTo("job-1");
        assertThat(dead.getPayload()).isEqualTo("{not json");
        Headers h = out.getHeaders();
        assertThat(text(h, "dead-letter-reason")).isEqualTo("unreadable completion");
        assertThat(text(h, "dead-letter-topic")).isEqualTo("conveyor.completed");
        assertThat(text(h, "dead-letter-partition")).isEqualTo("3");
        assertThat(text(h, "dead-letter-offset")).isEqualTo("17");
        assertThat(text(h, "traceparent")).isEqualTo(TRACEPARENT);
        assertThat(h.lastHeader("unrelated")).isNull();
    }

    private static String text(Headers headers, String name) {
        return new String(headers.lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
