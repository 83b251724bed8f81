package dev.conveyor.ui;

import dev.conveyor.model.Json;
import dev.conveyor.model.events.ControlMessage;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Publishes the web view's cancels on the control topic: the same {@link ControlMessage} as
 * {@code conveyor cancel}, key = job id, as a CloudEvent in binary mode. The producer is made on
 * the first cancel, so a process whose view is never used to cancel holds none.
 */
final class ControlPublisher implements AutoCloseable {
    static final String TYPE = "dev.conveyor.job.control";
    private final String bootstrap;
    private final String topic;
    private KafkaProducer<String, byte[]> producer;

    ControlPublisher(String bootstrap, String topic) {
        this.bootstrap = bootstrap;
        this.topic = topic;
    }

    void cancel(String jobId, String reason) throws Exception {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, jobId,
                Json.bytes(ControlMessage.cancel(jobId, reason)));
        Headers h = record.headers();
        put(h, "ce_specversion", "1.0");
        put(h, "ce_id", UUID.randomUUID().toString());
        put(h, "ce_type", TYPE);
        put(h, "ce_source", "conveyor/ui");
        put(h, "ce_subject", jobId);
        put(h, "ce_time", OffsetDateTime.now(ZoneOffset.UTC).toString());
        put(h, "content-type", "application/json");
        producer().send(record).get(15, TimeUnit.SECONDS);
    }

    private synchronized KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ProducerConfig.ACKS_CONFIG, "all",
                    ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000,
                    ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 12_000,
                    ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                    ProducerConfig.LINGER_MS_CONFIG, 0,
                    ProducerConfig.CLIENT_ID_CONFIG, "conveyor-ui-control-" + ProcessHandle.current().pid()),
                    new StringSerializer(), new ByteArraySerializer());
        }
        return producer;
    }

    private static void put(Headers headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public synchronized void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(2));
        }
    }
}
