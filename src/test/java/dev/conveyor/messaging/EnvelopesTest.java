package dev.conveyor.messaging;

import io.smallrye.reactive.messaging.ce.OutgoingCloudEventMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class EnvelopesTest {

    @Test
    void eventIdsAreVersion4UuidsAndDistinct() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String id = CloudEventHeaders.eventId();
            UUID u = UUID.fromString(id);
            assertThat(u.version()).isEqualTo(4);
            assertThat(u.variant()).isEqualTo(2);
            assertThat(u.toString()).isEqualTo(id);
            seen.add(id);
        }
        assertThat(seen).hasSize(10_000);
    }

    @Test
    void aMessageCarriesKeyCloudEventAttributesAndJsonBody() {
        Message<String> m = Envelopes.message("job-1", "staging", "dev.conveyor.job.staged", Map.of("a", 1));
        assertThat(m.getPayload()).isEqualTo("{\"a\":1}");
        var kafka = m.getMetadata(OutgoingKafkaRecordMetadata.class).orElseThrow();
        assertThat(kafka.getKey()).isEqualTo("job-1");
        var ce = m.getMetadata(OutgoingCloudEventMetadata.class).orElseThrow();
        assertThat(ce.getSource()).isEqualTo(URI.create("conveyor/staging"));
        assertThat(ce.getType()).isEqualTo("dev.conveyor.job.staged");
        assertThat(ce.getSubject()).hasValue("job-1");
        assertThat(UUID.fromString(ce.getId()).version()).isEqualTo(4);
        Message<String> next = Envelopes.message("job-1", "staging", "dev.conveyor.job.staged", Map.of("a", 1));
        assertThat(next.getMetadata(OutgoingCloudEventMetadata.class).orElseThrow().getId()).isNotEqualTo(ce.getId());
    }

    @Test
    void aRecordCarriesTheSameEventAsPlainKafkaHeaders() {
        var r = Envelopes.record("conveyor.staged", "job-1", "staging", "dev.conveyor.job.staged", Map.of("a", 1));
        assertThat(r.topic()).isEqualTo("conveyor.staged");
        assertThat(r.key()).isEqualTo("job-1");
        assertThat(r.value()).isEqualTo("{\"a\":1}");
        assertThat(header(r, "ce_specversion")).isEqualTo("1.0");
        assertThat(header(r, "ce_source")).isEqualTo("conveyor/staging");
        assertThat(header(r, "ce_type")).isEqualTo("dev.conveyor.job.staged");
        assertThat(header(r, "ce_subject")).isEqualTo("job-1");
        assertThat(header(r, "content-type")).isEqualTo("application/json");
        assertThat(UUID.fromString(header(r, "ce_id")).version()).isEqualTo(4);
        // RFC 3339 with seconds, always (OffsetDateTime.toString drops ":00")
        assertThat(header(r, "ce_time")).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z");
        assertThat(java.time.OffsetDateTime.parse(header(r, "ce_time"))).isBeforeOrEqualTo(java.time.OffsetDateTime.now());
    }

    private static String header(org.apache.kafka.clients.producer.ProducerRecord<String, String> r, String name) {
        var h = r.headers().lastHeader(name);
        assertThat(h).as(name).isNotNull();
        return new String(h.value(), java.nio.charset.StandardCharsets.UTF_8);
    }
}
