package dev.conveyor.ops.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** W3C trace context written into and read back from Kafka record headers. */
class KafkaHeaderCarrierTest {
    private final W3CTraceContextPropagator w3c = W3CTraceContextPropagator.getInstance();

    @Test
    void aTraceparentHeaderIsReadAsTheParentContext() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".getBytes(StandardCharsets.UTF_8));
        SpanContext read = Span.fromContext(w3c.extract(Context.root(), headers, KafkaHeaderCarrier.INSTANCE)).getSpanContext();
        assertThat(read.isValid()).isTrue();
        assertThat(read.isRemote()).isTrue();
        assertThat(read.getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(read.getSpanId()).isEqualTo("00f067aa0ba902b7");
    }

    @Test
    void injectingReplacesAnEarlierTraceparentInsteadOfAddingASecond() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("traceparent", "00-00000000000000000000000000000001-0000000000000001-01".getBytes(StandardCharsets.UTF_8));
        SpanContext ctx = SpanContext.create("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7",
                TraceFlags.getSampled(), TraceState.getDefault());
        w3c.inject(Context.root().with(Span.wrap(ctx)), headers, KafkaHeaderCarrier.INSTANCE);
        assertThat(headers.headers("traceparent")).hasSize(1);
        assertThat(new String(headers.lastHeader("traceparent").value(), StandardCharsets.UTF_8))
                .isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    }
}
