package dev.conveyor.messaging;

import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Message;

/** The process's {@link RecordTracer} (ops/tracing sets it) and the two hooks the stages use. */
public final class RecordTracing {
    private static volatile RecordTracer tracer = RecordTracer.NONE;

    private RecordTracing() {
    }

    public static void use(RecordTracer t) {
        tracer = t == null ? RecordTracer.NONE : t;
    }

    /** {@code stage} takes {@code message} (a record of the job its key names). */
    public static RecordTracer.Span taken(String stage, Message<?> message) {
        Headers headers = message.getMetadata(IncomingKafkaRecordMetadata.class)
                .map(m -> m.getHeaders()).orElseGet(RecordHeaders::new);
        return tracer.taken(stage, RecordSource.key(message), headers);
    }

    /** {@code message} whose acknowledgement (or nack) ends {@code span}: for records held while a job runs. */
    public static <T> Message<T> endingOnAck(Message<T> message, RecordTracer.Span span) {
        return message.withAck(() -> {
            span.end(null);
            return message.ack();
        }).withNack(e -> {
            span.end(e);
            return message.nack(e);
        }).addMetadata(new HeldSpan(span));
    }

    /** The span of a record held until its job ends ({@link #endingOnAck}). */
    public record HeldSpan(RecordTracer.Span span) {
    }

    /** Ends the span of a held record that leaves this instance without an ack (its partition was revoked). */
    public static void handedOver(Message<?> message) {
        message.getMetadata(HeldSpan.class).ifPresent(h -> h.span().end(null));
    }

    /** The trace headers of a record of {@code jobId} that {@code stage} produces. */
    static Headers headersFor(String stage, String jobId) {
        Headers headers = new RecordHeaders();
        inject(stage, jobId, headers);
        return headers;
    }

    /** Adds to {@code headers} the trace context of a record of {@code jobId} that {@code stage} produces (none when tracing is off). */
    static void inject(String stage, String jobId, Headers headers) {
        tracer.inject(stage, jobId, headers);
    }
}
