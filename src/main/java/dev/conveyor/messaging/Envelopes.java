package dev.conveyor.messaging;

import dev.conveyor.model.Json;
import io.smallrye.reactive.messaging.ce.OutgoingCloudEventMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import org.eclipse.microprofile.reactive.messaging.Message;

import java.net.URI;
import java.time.ZonedDateTime;
import java.util.UUID;

/** Builds outgoing messages: JSON body, key = job id, CloudEvents 1.0 attributes (binary mode), trace context. */
public final class Envelopes {
    private Envelopes() {
    }

    public static Message<String> message(String jobId, String stage, String type, Object payload) {
        return message(jobId, stage, type, payload, null);
    }

    /** @param topic overrides the channel's topic (used inside transactions), or null */
    public static Message<String> message(String jobId, String stage, String type, Object payload, String topic) {
        OutgoingKafkaRecordMetadata.OutgoingKafkaRecordMetadataBuilder<String> kafka =
                OutgoingKafkaRecordMetadata.<String>builder().withKey(jobId);
        if (topic != null) {
            kafka.withTopic(topic);
        }
        var trace = RecordTracing.headersFor(stage, jobId); // W3C traceparent: the job's trace goes on
        if (trace.toArray().length > 0) {
            kafka.withHeaders(trace);
        }
        OutgoingCloudEventMetadata<Object> ce = OutgoingCloudEventMetadata.builder()
                .withId(UUID.randomUUID().toString())
                .withSource(URI.create("conveyor/" + stage))
                .withType(type)
                .withSubject(jobId)
                .withDataContentType("application/json")
                .withTimestamp(ZonedDateTime.now())
                .build();
        return Message.of(Json.write(payload)).addMetadata(kafka.build()).addMetadata(ce);
    }
}
