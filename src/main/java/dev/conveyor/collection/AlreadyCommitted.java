package dev.conveyor.collection;

import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What this instance knows the group has committed on {@code conveyor.completed}: the offsets its own
 * result transactions moved (a committed offset moves only with the transaction that published the
 * results below it). Before a batch's transaction starts, its records below the committed offset
 * are dropped — their results are already out (a batch fetched before a rewind, delivered after it,
 * may repeat records the re-fetch brings again) — and a batch that starts <em>above</em> it (records
 * in between were never published) is refused. Partitions it does not know (newly assigned) are read
 * from the group once; a revocation forgets everything.
 */
final class AlreadyCommitted {
    /** Which records of a batch to publish, or none when the batch is stale. */
    record Admission(boolean stale, boolean[] keep, int dropped) {
    }

    private final Map<TopicPartition, Long> committed = new ConcurrentHashMap<>();

    /** Partitions of {@code partitions} whose committed offset this instance does not know. */
    List<TopicPartition> unknown(Iterable<TopicPartition> partitions) {
        List<TopicPartition> out = new ArrayList<>();
        partitions.forEach(tp -> {
            if (!committed.containsKey(tp)) {
                out.add(tp);
            }
        });
        return out;
    }

    /** Offsets read from the group (absent: nothing committed, the partition starts at its beginning). */
    void learned(Map<TopicPartition, Long> fromGroup, Iterable<TopicPartition> asked) {
        asked.forEach(tp -> committed.merge(tp, fromGroup.getOrDefault(tp, -1L), Math::max));
    }

    /** A transaction committed: the group is now at {@code next} for these partitions. */
    void committed(Map<TopicPartition, Long> next) {
        next.forEach((tp, offset) -> committed.merge(tp, offset, Math::max));
    }

    void forget() {
        committed.clear();
    }

    /**
     * Decides a batch given each record's partition and offset (in batch order). A partition whose
     * committed offset is unknown here ({@code -1}: nothing committed yet) is taken as it comes.
     */
    Admission admit(List<TopicPartition> partitions, List<Long> offsets) {
        boolean[] keep = new boolean[offsets.size()];
        Map<TopicPartition, Long> firstKept = new HashMap<>();
        int dropped = 0;
        for (int i = 0; i < offsets.size(); i++) {
            Long done = committed.get(partitions.get(i));
            if (done != null && done >= 0 && offsets.get(i) < done) {
                dropped++;
                continue;
            }
            keep[i] = true;
            firstKept.merge(partitions.get(i), offsets.get(i), Math::min);
        }
        for (Map.Entry<TopicPartition, Long> e : firstKept.entrySet()) {
            Long done = committed.get(e.getKey());
            if (done != null && done >= 0 && e.getValue() > done) {
                return new Admission(true, keep, dropped);
            }
        }
        return new Admission(false, keep, dropped);
    }
}
