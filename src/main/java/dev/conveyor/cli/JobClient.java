package dev.conveyor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.conveyor.messaging.CloudEventHeaders;
import dev.conveyor.model.Json;
import dev.conveyor.model.events.ControlMessage;
import dev.conveyor.model.events.JobStatusEvent;
import dev.conveyor.model.result.JobResult;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A Conveyor client over plain Kafka: publishes requests and cancels, and follows status events
 * and results as they arrive. Results are read {@code read_committed} (they are transactional).
 * Looking up what happened before lives in {@link JobLookup}.
 */
final class JobClient implements AutoCloseable {
    private final String bootstrap;
    private final ConveyorTopics topics;
    private final KafkaConsumer<String, String> consumer;

    JobClient(String bootstrap, ConveyorTopics topics) {
        this.bootstrap = bootstrap;
        this.topics = topics;
        this.consumer = KafkaClients.consumer(bootstrap);
    }

    String bootstrap() {
        return bootstrap;
    }

    /**
     * Start following from the current end of the status and results topics. Call before
     * {@link #submit} so that nothing the job publishes is missed.
     */
    void followFromNow() {
        KafkaClients.call(bootstrap, () -> {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : List.of(topics.status(), topics.results())) {
                partitions.addAll(JobLookup.partitions(consumer, bootstrap, topic));
            }
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position); // resolve the end offsets now, before the job runs
            return null;
        });
    }

    /** Publish a request (key = job id), waiting for the broker to acknowledge it; returns where it went. */
    RequestRecord submit(String jobId, byte[] request) {
        RecordMetadata sent = send(topics.requests(), jobId, request, null);
        return new RequestRecord(sent.topic(), sent.partition(), sent.offset());
    }

    /** Publish a cancel for the job on the control topic. Safe from any thread: it never touches the consumer. */
    void cancel(String jobId, String reason) {
        send(topics.control(), jobId, Json.bytes(ControlMessage.cancel(jobId, reason)), "dev.conveyor.job.control");
    }

    private RecordMetadata send(String topic, String key, byte[] value, String ceType) {
        KafkaProducer<String, byte[]> producer = KafkaClients.producer(bootstrap);
        try {
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, value);
            if (ceType != null) {
                CloudEventHeaders.add(record.headers(), ceType, "conveyor/cli", key);
            }
            return KafkaClients.call(bootstrap, () -> producer.send(record)).get(KafkaClients.API_TIMEOUT.toMillis() * 2,
                    TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing to " + topic, e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            if (KafkaClients.isUnreachable(e)) {
                throw CliException.kafkaUnreachable(bootstrap, e);
            }
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new CliException(ExitCodes.KAFKA_UNREACHABLE, "cannot publish to " + topic + " on " + bootstrap
                    + ": " + cause.getMessage(), e);
        } finally {
            producer.close(Duration.ofSeconds(2));
        }
    }

    /**
     * Wait for the result that answers {@code own} (any result of the job when {@code own} is null),
     * passing each status event of the job to {@code onStatus}. Stops early when the service refuses
     * {@code own} as a duplicate. Results for the job that answer other records are passed to
     * {@code onNote} and not taken.
     */
    WaitOutcome await(String jobId, RequestRecord own, Consumer<JobStatusEvent> onStatus, Consumer<String> onNote,
                      Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                if (!jobId.equals(r.key())) {
                    continue;
                }
                if (r.topic().equals(topics.results())) {
                    JsonNode tree = tree(r.value());
                    if (own == null || own.isAnsweredBy(tree)) {
                        return new WaitOutcome.Finished(Json.MAPPER.convertValue(tree, JobResult.class));
                    }
                    onNote.accept("a result for job " + jobId + " answers another request (" + tree.path("request").asText()
                            + "), not this one (" + own.source() + "); still waiting");
                    continue;
                }
                JobStatusEvent event = Json.read(r.value(), JobStatusEvent.class);
                onStatus.accept(event);
                if (own != null && own.isRefusedBy(event)) {
                    return new WaitOutcome.Duplicate(event.message());
                }
            }
        }
        return new WaitOutcome.TimedOut();
    }

    /**
     * Follow status events and results of every job until {@code onResult} returns true for a
     * result or the timeout passes.
     */
    void followAll(Consumer<JobStatusEvent> onStatus, Predicate<JobResult> onResult, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                if (r.topic().equals(topics.results())) {
                    if (onResult.test(Json.read(r.value(), JobResult.class))) {
                        return;
                    }
                } else {
                    onStatus.accept(Json.read(r.value(), JobStatusEvent.class));
                }
            }
        }
    }

    private static JsonNode tree(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("not a valid result: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(2));
    }
}
