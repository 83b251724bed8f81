package dev.conveyor.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.conveyor.model.Json;
import dev.conveyor.model.result.JobResult;
import dev.conveyor.schemas.SchemaAssert;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.awaitility.Awaitility.await;

/**
 * Watches every Conveyor topic (read_committed, from the beginning) on a background thread and
 * validates each record against its schema as it arrives: a record that does not match its
 * contract fails the test that reads it. Publishes requests like any Kafka client would.
 */
public final class JobProbe implements AutoCloseable {
    /** topic → schema of its records (null: not JSON we produce, e.g. raw requests). */
    private static final Map<String, String> SCHEMAS = Map.of(
            "conveyor.submitted", "job-submitted",
            "conveyor.staged", "job-staged",
            "conveyor.dispatched", "job-dispatched",
            "conveyor.completed", "job-completed",
            "conveyor.results", "job-result",
            "conveyor.status", "job-status",
            "conveyor.control", "job-control");

    public record Seen(String topic, String key, String value, Map<String, String> headers) {
        public JsonNode json() {
            try {
                return Json.MAPPER.readTree(value);
            } catch (Exception e) {
                throw new AssertionError("not JSON: " + value, e);
            }
        }
    }

    private final String bootstrap;
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final List<AssertionError> invalid = new CopyOnWriteArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread reader;

    public JobProbe(String bootstrap) {
        this.bootstrap = bootstrap;
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024),
                new StringDeserializer(), new StringDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of("conveyor.submitted", "conveyor.staged", "conveyor.dispatched",
                "conveyor.completed", "conveyor.results", "conveyor.status", "conveyor.dlq", "conveyor.control")) {
            await().atMost(Duration.ofSeconds(30)).until(() -> !consumer.partitionsFor(topic).isEmpty());
            consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        reader = new Thread(() -> {
            try (consumer) {
                while (running.get()) {
                    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                        accept(r);
                    }
                }
            }
        }, "job-probe");
        reader.setDaemon(true);
        reader.start();
    }

    private void accept(ConsumerRecord<String, String> r) {
        Map<String, String> headers = new java.util.HashMap<>();
        for (Header h : r.headers()) {
            headers.put(h.key(), h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8));
        }
        String schema = SCHEMAS.get(r.topic());
        if (schema != null) {
            try {
                SchemaAssert.assertValid(schema, r.value());
                if (!"1.0".equals(headers.get("ce_specversion")) || headers.get("ce_type") == null
                        || headers.get("ce_id") == null || headers.get("ce_source") == null) {
                    throw new AssertionError("not a CloudEvent in binary mode on " + r.topic() + ": " + headers);
                }
            } catch (AssertionError e) {
                invalid.add(e);
            }
        }
        seen.add(new Seen(r.topic(), r.key(), r.value(), headers));
    }

    public void publish(String key, String request) {
        publish(key, request.getBytes(StandardCharsets.UTF_8));
    }

    public void publish(String key, byte[] request) {
        publish(key, request, new org.apache.kafka.common.header.internals.RecordHeaders());
    }

    /** Publishes a request carrying {@code headers} (e.g. a producer's W3C traceparent). */
    public void publish(String key, byte[] request, Map<String, String> headers) {
        org.apache.kafka.common.header.internals.RecordHeaders h = new org.apache.kafka.common.header.internals.RecordHeaders();
        headers.forEach((k, v) -> h.add(k, v.getBytes(StandardCharsets.UTF_8)));
        publish(key, request, h);
    }

    /** A request record with these headers (which may be anything a client sends, nulls included). */
    public void publish(String key, byte[] request, org.apache.kafka.common.header.Headers headers) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>("conveyor.requests", null, key, request, headers)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public List<Seen> on(String topic, String key) {
        assertAllValid();
        return seen.stream().filter(s -> s.topic().equals(topic) && key.equals(s.key())).toList();
    }

    public List<Seen> on(String topic) {
        assertAllValid();
        return seen.stream().filter(s -> s.topic().equals(topic)).toList();
    }

    /** Waits for the job's result and checks it is the only one so far. */
    public JobResult awaitResult(String jobId, Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(100))
                .until(() -> !on("conveyor.results", jobId).isEmpty());
        List<Seen> results = on("conveyor.results", jobId);
        if (results.size() != 1) {
            throw new AssertionError("expected exactly one result for " + jobId + ", got " + results.size());
        }
        return Json.read(results.get(0).value(), JobResult.class);
    }

    public List<String> statusStates(String jobId) {
        return on("conveyor.status", jobId).stream()
                .map(s -> s.json().path("task").isMissingNode()
                        ? s.json().path("state").asText()
                        : s.json().path("task").asText() + ":" + s.json().path("state").asText())
                .toList();
    }

    public void assertAllValid() {
        if (!invalid.isEmpty()) {
            throw invalid.get(0);
        }
    }

    @Override
    public void close() {
        running.set(false);
        try {
            reader.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
