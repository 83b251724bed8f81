package dev.conveyor.collection;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

import java.util.Map;
import java.util.function.Supplier;

/**
 * How many transactions the results producer has committed, from its own accounting: the Kafka
 * producer adds to {@code producer-metrics/txn-commit-time-ns-total} only when
 * {@code commitTransaction()} returned normally. A transaction during which it moved committed, with
 * no broker round trip to ask; when it did not move (SmallRye swallowed a failed commit, see
 * {@link CommittedOffsets}) the group's offsets are read back. {@link #total()} is negative when the
 * metric cannot be found, so every transaction is then checked the slow way.
 */
final class TransactionCommits {
    static final String METRIC = "txn-commit-time-ns-total";
    private final Supplier<Producer<?, ?>> producer;
    private volatile Metric metric;

    TransactionCommits(Supplier<Producer<?, ?>> producer) {
        this.producer = producer;
    }

    double total() {
        Metric m = metric;
        if (m == null) {
            m = find();
            if (m == null) {
                return -1;
            }
            metric = m;
        }
        Object value = m.metricValue();
        return value instanceof Number n ? n.doubleValue() : -1;
    }

    private Metric find() {
        try {
            for (Map.Entry<MetricName, ? extends Metric> e : producer.get().metrics().entrySet()) {
                if (METRIC.equals(e.getKey().name()) && "producer-metrics".equals(e.getKey().group())) {
                    return e.getValue();
                }
            }
        } catch (RuntimeException e) {
            // no producer yet: checked the slow way
        }
        return null;
    }
}
