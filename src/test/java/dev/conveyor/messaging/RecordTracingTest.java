package dev.conveyor.messaging;

import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** A record held while its job runs: its span ends on ack, on nack, or when its partition is handed over. */
class RecordTracingTest {
    static final class Recorded implements RecordTracer.Span {
        final List<String> ends = new CopyOnWriteArrayList<>();

        @Override
        public void job(String jobId) {
        }

        @Override
        public void end(Throwable failure) {
            ends.add(failure == null ? "ok" : failure.getMessage());
        }
    }

    @Test
    void theSpanOfAHeldRecordEndsOnAckOnNackAndOnHandOver() {
        Recorded acked = new Recorded();
        RecordTracing.endingOnAck(Message.of("a"), acked).ack().toCompletableFuture().join();
        assertThat(acked.ends).containsExactly("ok");

        Recorded nacked = new Recorded();
        RecordTracing.endingOnAck(Message.of("b"), nacked).nack(new IllegalStateException("boom")).toCompletableFuture().join();
        assertThat(nacked.ends).containsExactly("boom");

        Recorded handed = new Recorded();
        Message<String> held = RecordTracing.endingOnAck(Message.of("c"), handed);
        RecordTracing.handedOver(held);
        assertThat(handed.ends).containsExactly("ok");

        RecordTracing.handedOver(Message.of("not held")); // nothing to end, no failure
    }
}
