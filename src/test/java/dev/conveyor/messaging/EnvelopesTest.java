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
            String id = Envelopes.eventId();
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
}
