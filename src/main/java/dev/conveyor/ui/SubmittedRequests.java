package dev.conveyor.ui;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.conveyor.storage.JobKeys;
import dev.conveyor.storage.ObjectStore;
import dev.conveyor.storage.StoredDocuments;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The request exactly as it was published: submission records which record it accepted
 * ({@code jobs/<id>/accepted.json}: {@code topic/partition/offset@millis}); that one record is read
 * back from the requests topic while the topic still keeps it. Texts are kept per job (small cache).
 */
final class SubmittedRequests {
    private static final Pattern SOURCE = Pattern.compile("^(.+)/(\\d+)/(\\d+)(?:@\\d+)?$");
    private static final int MAX_SHOWN = 256 * 1024;
    private final ObjectStore store;
    private final String bootstrap;
    private final Cache<String, String> texts = Caffeine.newBuilder().maximumSize(200).build();

    SubmittedRequests(ObjectStore store, String bootstrap) {
        this.store = store;
        this.bootstrap = bootstrap;
    }

    /** The request's text (redacted), or empty when the record is gone or the job was never accepted. */
    Optional<String> text(String jobId) throws IOException {
        String cached = texts.getIfPresent(jobId);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<String> source = StoredDocuments.json(store, JobKeys.accepted(jobId)).map(n -> n.path("source").asText(null));
        if (source.isEmpty() || source.get() == null) {
            return Optional.empty();
        }
        Matcher m = SOURCE.matcher(source.get());
        if (!m.matches()) {
            return Optional.empty();
        }
        TopicPartition tp = new TopicPartition(m.group(1), Integer.parseInt(m.group(2)));
        long offset = Long.parseLong(m.group(3));
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024,
                ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000,
                ConsumerConfig.CLIENT_ID_CONFIG, "conveyor-ui-request-" + ProcessHandle.current().pid()),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.assign(List.of(tp));
            c.seek(tp, offset);
            long deadline = System.currentTimeMillis() + 3000;
            while (System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(300))) {
                    if (r.offset() == offset && r.value() != null) {
                        String text = new String(r.value(), 0, Math.min(r.value().length, MAX_SHOWN), StandardCharsets.UTF_8);
                        String shown = Redaction.text(text) + (r.value().length > MAX_SHOWN ? "\n… (" + r.value().length + " bytes)" : "");
                        texts.put(jobId, shown);
                        return Optional.of(shown);
                    }
                    if (r.offset() > offset) {
                        return Optional.empty(); // compacted or deleted
                    }
                }
            }
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}
