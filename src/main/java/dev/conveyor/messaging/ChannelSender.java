package dev.conveyor.messaging;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaProducer;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.eclipse.microprofile.config.Config;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Sends one outgoing channel's events straight to the Kafka producer the connector made for that
 * channel — so everything about it (bootstrap, security, acks, idempotence, linger, client id)
 * stays the channel's configuration in application.properties — without SmallRye's per-message
 * path (emitter buffer, message metadata, the sink's Mutiny chain and its hand-over to the
 * producer's sending thread). That path cost a fifth of the service's CPU per job and made the
 * broker work harder for the same records (docs/benchmarks.md, <em>Straight to the producer</em>).
 *
 * <p>{@link #send} appends the record to the producer's buffer on the calling thread — so records
 * sent one after another from one thread keep that order on their partition, which the stages
 * rely on for a job's status events — and may block while the producer has no metadata for the
 * topic yet or its buffer is full (up to its {@code max.block.ms}): call it from a worker thread,
 * never from an event loop (every caller runs on a worker or on monitoring's own thread). The Uni
 * completes on the producer's I/O thread once the broker has acknowledged the record (what a stage
 * waits for before it acknowledges its input), so what follows it must be short and must not send
 * on the same producer.
 */
final class ChannelSender {
    private final KafkaClientService kafka;
    private final String channel;
    private final String topic;
    private volatile Producer<String, String> producer;

    ChannelSender(KafkaClientService kafka, Config config, String channel) {
        this.kafka = kafka;
        this.channel = channel;
        // the connector's own default: a channel without a topic writes to the topic named after it
        this.topic = config.getOptionalValue("mp.messaging.outgoing." + channel + ".topic", String.class).orElse(channel);
    }

    /** The topic this channel writes to. */
    String topic() {
        return topic;
    }

    /** Whether the producer has (or now gets, waiting up to its {@code max.block.ms}) the topic's partitions; throws if it does not. */
    void awaitTopic() {
        producer().partitionsFor(topic);
    }

    /** Sends the event; the Uni completes when the broker has acknowledged it (fails if it could not be sent). */
    Uni<Void> send(String jobId, String stage, String type, Object payload) {
        return Uni.createFrom().deferred(() -> {
            CompletableFuture<Void> acked = new CompletableFuture<>();
            append(jobId, stage, type, payload, (meta, e) -> {
                if (e == null) {
                    acked.complete(null);
                } else {
                    acked.completeExceptionally(e);
                }
            });
            return Uni.createFrom().completionStage(acked);
        });
    }

    /**
     * Sends the event with nothing waiting for the broker's acknowledgement (no Uni, no future):
     * {@code done} is told, on the producer's I/O thread or on this one, that it was taken (null) or
     * could not be built or sent (the failure). Appended on the calling thread like {@link #send}, so
     * the call order is kept.
     */
    void sendLater(String jobId, String stage, String type, Object payload, Consumer<Exception> done) {
        try {
            append(jobId, stage, type, payload, (meta, e) -> done.accept(e));
        } catch (RuntimeException e) {
            done.accept(e);
        }
    }

    /** Builds the event's record and appends it to the channel's producer on this thread. */
    private void append(String jobId, String stage, String type, Object payload, Callback callback) {
        producer().send(Envelopes.record(topic, jobId, stage, type, payload), callback);
    }

    private Producer<String, String> producer() {
        Producer<String, String> p = producer;
        if (p == null) {
            KafkaProducer<String, String> made = kafka.getProducer(channel);
            if (made == null) {
                throw new IllegalStateException("no Kafka producer for channel '" + channel
                        + "': is mp.messaging.outgoing." + channel + ".connector set to smallrye-kafka?");
            }
            p = made.unwrap();
            producer = p;
        }
        return p;
    }
}
