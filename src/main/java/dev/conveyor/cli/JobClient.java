package dev.conveyor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.conveyor.model.Json;
import dev.conveyor.model.events.ControlMessage;
import dev.conveyor.model.events.JobStatusEvent;
import dev.conveyor.model.result.JobResult;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;

import java.nio.charset.StandardCharsets;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A Conveyor client over plain Kafka: publishes a request and follows one job's status events
 * until its result arrives. Results are read {@code read_committed} (they are transactional).
 */
public final class JobClient implements AutoCloseable {
    private final String bootstrap;
    private final String requestsTopic;
    private final String statusTopic;
    private final String resultsTopic;
    private final KafkaConsumer<String, String> consumer;

    public JobClient(String bootstrap, String requestsTopic, String statusTopic, String resultsTopic) {
        this.bootstrap = bootstrap;
        this.requestsTopic = requestsTopic;
        this.statusTopic = statusTopic;
        this.resultsTopic = resultsTopic;
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024),
                new StringDeserializer(), new StringDeserializer());
    }

    /**
     * Start following from the current end of the status and results topics. Call before
     * {@link #submit} so that nothing the job publishes is missed.
     */
    public void followFromNow() {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(statusTopic, resultsTopic)) {
            consumer.partitionsFor(topic, Duration.ofSeconds(30))
                    .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // resolve the end offsets now, before the job runs
    }

    /** Publish a request (key = job id), waiting for the broker to acknowledge it. */
    public void submit(String jobId, byte[] request) {
        send(requestsTopic, jobId, request, null);
    }

    /** Publish a cancel for the job on the control topic. Safe from any thread: it never touches the consumer. */
    public void cancel(String jobId, String reason, String controlTopic) {
        send(controlTopic, jobId, Json.bytes(ControlMessage.cancel(jobId, reason)), "dev.conveyor.job.control");
    }

    private void send(String topic, String key, byte[] value, String ceType) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 * 1024 * 1024),
                new StringSerializer(), new ByteArraySerializer())) {
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, value);
            if (ceType != null) {
                CloudEventHeaders.add(record.headers(), ceType, "conveyor/cli", key);
            }
            producer.send(record).get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot publish to " + topic + " on " + bootstrap + ": " + e.getMessage(), e);
        }
    }

    /**
     * The job's result if it has one: reads only the results partition the job id maps to (key =
     * job id, default partitioner), from the start, read_committed.
     */
    public Optional<JobResult> findResult(String jobId) {
        int partitions = consumer.partitionsFor(resultsTopic, Duration.ofSeconds(30)).size();
        TopicPartition tp = new TopicPartition(resultsTopic,
                Utils.toPositive(Utils.murmur2(jobId.getBytes(StandardCharsets.UTF_8))) % partitions);
        consumer.assign(List.of(tp));
        consumer.seekToBeginning(List.of(tp));
        long end = consumer.endOffsets(List.of(tp)).get(tp);
        Optional<JobResult> found = Optional.empty();
        while (consumer.position(tp) < end) {
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                if (jobId.equals(r.key())) {
                    found = Optional.of(Json.read(r.value(), JobResult.class));
                }
            }
        }
        return found;
    }

    /**
     * Wait for the job's result, passing each status event to {@code onStatus}. Empty on timeout.
     * A null {@code jobId} follows every job and returns on the first result.
     */
    public Optional<JobResult> await(String jobId, Consumer<JobStatusEvent> onStatus, Duration timeout) {
        return follow(jobId, onStatus, r -> true, timeout);
    }

    /**
     * Follow status events and results (of one job, or of all when {@code jobId} is null) until
     * {@code onResult} returns true for a result or the timeout passes; returns that result.
     */
    public Optional<JobResult> follow(String jobId, Consumer<JobStatusEvent> onStatus,
                                      java.util.function.Predicate<JobResult> onResult, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                if (jobId != null && !jobId.equals(r.key())) {
                    continue;
                }
                if (r.topic().equals(resultsTopic)) {
                    JobResult result = Json.read(r.value(), JobResult.class);
                    if (onResult.test(result)) {
                        return Optional.of(result);
                    }
                    continue;
                }
                onStatus.accept(Json.read(r.value(), JobStatusEvent.class));
            }
        }
        return Optional.empty();
    }

    public static String idOf(JsonNode request) {
        JsonNode id = request.get("id");
        return id == null || !id.isTextual() ? null : id.asText();
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(2));
    }
}
