package dev.conveyor.ui;

import dev.conveyor.messaging.CloudEventHeaders;
import dev.conveyor.model.Json;
import dev.conveyor.model.events.ControlMessage;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.Map;
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
        CloudEventHeaders.add(record.headers(), TYPE, "conveyor/ui", jobId);
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

    @Override
    public synchronized void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(2));
        }
    }
}
