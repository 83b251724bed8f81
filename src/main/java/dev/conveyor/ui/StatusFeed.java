package dev.conveyor.ui;

import dev.conveyor.model.Json;
import dev.conveyor.model.events.JobStatusEvent;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The web view's own reader of the status topic: no consumer group (it assigns every partition
 * itself and commits nothing), so it works in any process — one that runs all five stages or
 * none — and never takes partitions from a stage. At start it goes back {@code history} in time
 * (offsets by timestamp), then follows; every {@code 30 s} it looks for new partitions.
 */
final class StatusFeed implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(StatusFeed.class);

    private final String bootstrap;
    private final String topic;
    private final Duration history;
    private final JobBoard board;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile KafkaConsumer<String, String> consumer;

    StatusFeed(String bootstrap, String topic, Duration history, JobBoard board) {
        this.bootstrap = bootstrap;
        this.topic = topic;
        this.history = history;
        this.board = board;
        this.thread = new Thread(this::run, "ui-status-feed");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void run() {
        while (running) {
            try (KafkaConsumer<String, String> c = newConsumer()) {
                consumer = c;
                follow(c);
            } catch (WakeupException e) {
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.warnf("web view: reading %s failed (%s); trying again in 2 s", topic, e.getMessage());
                sleep(2000);
            }
        }
    }

    private void follow(KafkaConsumer<String, String> c) {
        List<TopicPartition> assigned = new ArrayList<>();
        long lastCheck = 0;
        while (running) {
            if (System.currentTimeMillis() - lastCheck > (assigned.isEmpty() ? 1000 : 30_000)) {
                lastCheck = System.currentTimeMillis();
                List<TopicPartition> all = partitions(c);
                if (all.size() > assigned.size()) {
                    List<TopicPartition> added = new ArrayList<>(all);
                    added.removeAll(assigned);
                    c.assign(all);
                    seekBack(c, added, assigned.isEmpty());
                    assigned = all;
                }
            }
            if (assigned.isEmpty()) {
                sleep(500);
                continue;
            }
            for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(500))) {
                try {
                    board.accept(Json.read(r.value(), JobStatusEvent.class));
                } catch (RuntimeException e) {
                    LOG.debugf("web view: skipped a status record at %s-%d@%d: %s", r.topic(), r.partition(), r.offset(),
                            e.getMessage());
                }
            }
        }
    }

    private List<TopicPartition> partitions(KafkaConsumer<String, String> c) {
        List<TopicPartition> out = new ArrayList<>();
        List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(5));
        if (infos != null) {
            infos.forEach(p -> out.add(new TopicPartition(topic, p.partition())));
        }
        return out;
    }

    /** At start: back {@code history}; a partition created later: from its beginning. */
    private void seekBack(KafkaConsumer<String, String> c, List<TopicPartition> added, boolean atStart) {
        if (!atStart) {
            c.seekToBeginning(added);
            return;
        }
        long from = Instant.now().minus(history).toEpochMilli();
        Map<TopicPartition, Long> query = new HashMap<>();
        added.forEach(p -> query.put(p, from));
        Map<TopicPartition, OffsetAndTimestamp> offsets = c.offsetsForTimes(query, Duration.ofSeconds(10));
        List<TopicPartition> toEnd = new ArrayList<>();
        for (TopicPartition p : added) {
            OffsetAndTimestamp o = offsets.get(p);
            if (o == null) {
                toEnd.add(p);
            } else {
                c.seek(p, o.offset());
            }
        }
        if (!toEnd.isEmpty()) {
            c.seekToEnd(toEnd);
        }
    }

    private KafkaConsumer<String, String> newConsumer() {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "conveyor-ui-" + ProcessHandle.current().pid());
        config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024);
        // A person watches this, not a stage: one fetch per 200 ms (or per megabyte, if sooner) is
        // enough. With the default (answer as soon as one byte is there) and status events arriving
        // all the time, every fetch came back with a record or two and the next one went out at once.
        config.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 1024 * 1024);
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 200);
        return new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
    }

    private void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @Override
    public void close() {
        running = false;
        KafkaConsumer<String, String> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        try {
            thread.join(3000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
