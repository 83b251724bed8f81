package dev.conveyor.messaging;

import dev.conveyor.model.Json;
import io.smallrye.reactive.messaging.ce.OutgoingCloudEventMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import org.eclipse.microprofile.reactive.messaging.Message;

import java.net.URI;
import java.time.ZonedDateTime;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

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
                .withId(eventId())
                .withSource(SOURCES.computeIfAbsent(stage, st -> URI.create("conveyor/" + st)))
                .withType(type)
                .withSubject(jobId)
                .withDataContentType("application/json")
                .withTimestamp(ZonedDateTime.now())
                .build();
        return Message.of(Json.write(payload)).addMetadata(kafka.build()).addMetadata(ce);
    }

    /**
     * A random (version 4) UUID for a CloudEvent's {@code id}, which only has to be unique per
     * source: from the thread's own generator, where {@link UUID#randomUUID()} takes a lock around a
     * read of the system's secure generator for every event. Nothing is derived from it.
     */
    static String eventId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long msb = (r.nextLong() & ~0xF000L) | 0x4000L; // version 4
        long lsb = (r.nextLong() & ~(0xC000L << 48)) | (0x8000L << 48); // IETF variant
        return new UUID(msb, lsb).toString();
    }
}
