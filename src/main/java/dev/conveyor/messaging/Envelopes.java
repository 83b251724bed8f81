package dev.conveyor.messaging;

import dev.conveyor.model.Json;
import io.smallrye.reactive.messaging.ce.OutgoingCloudEventMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.reactive.messaging.Message;

import java.net.URI;
import java.time.ZonedDateTime;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Builds outgoing messages: JSON body, key = job id, CloudEvents 1.0 attributes (binary mode), trace context. */
public final class Envelopes {
    /** {@code conveyor/<stage>}: a handful of stages, parsed once each. */
    private static final Map<String, URI> SOURCES = new ConcurrentHashMap<>();

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
                .withId(CloudEventHeaders.eventId())
                .withSource(SOURCES.computeIfAbsent(stage, st -> URI.create("conveyor/" + st)))
                .withType(type)
                .withSubject(jobId)
                .withDataContentType("application/json")
                .withTimestamp(ZonedDateTime.now())
                .build();
        return Message.of(Json.write(payload)).addMetadata(kafka.build()).addMetadata(ce);
    }

    /**
     * The same event as a plain producer record for {@code topic}: key = job id, JSON body, the
     * CloudEvents headers binary mode writes and the job's trace context (what {@link ChannelSender} sends).
     */
    public static ProducerRecord<String, String> record(String topic, String jobId, String stage, String type, Object payload) {
        ProducerRecord<String, String> record = new ProducerRecord<>(topic, jobId, Json.write(payload));
        CloudEventHeaders.add(record.headers(), type, "conveyor/" + stage, jobId);
        RecordTracing.inject(stage, jobId, record.headers());
        return record;
    }
}
