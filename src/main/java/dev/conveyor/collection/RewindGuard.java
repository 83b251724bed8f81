package dev.conveyor.collection;

import org.apache.kafka.common.TopicPartition;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Keeps a batch that was fetched before an aborted result transaction from committing past the
 * aborted records.
 *
 * <p>When a result transaction aborts, SmallRye rewinds the consumer to the last committed offsets
 * and drops what its queue holds. A batch already handed downstream before the rewind is not
 * dropped: it carries the records <em>after</em> the aborted ones, and committing it would move the
 * group's offset past completions whose results were never published (seen in the chaos run: the
 * transaction aborted by a rebalance, the next batch of the same partition committed, two results
 * lost). So after an abort each partition of the aborted batch has a <em>floor</em>, the first
 * offset that was not published. A later batch whose records of that partition start at or below
 * the floor is the re-delivery (the floor goes); one that starts above it is stale, unless the
 * group's committed offset for the partition has meanwhile moved past the floor (another member
 * owned it and published those records) and the batch starts exactly there.
 *
 * <p>A stale batch is not processed: the stage rewinds the consumer again and the records come
 * back in order. The completions topic is written without transactions, so its offsets have no
 * gaps and "starts exactly at the committed offset" is exact.
 */
final class RewindGuard {
    private final Map<TopicPartition, Long> floors = new HashMap<>();

    /** A transaction over a batch whose first offset per partition is {@code firstOffsets} aborted. */
    synchronized void aborted(Map<TopicPartition, Long> firstOffsets) {
        firstOffsets.forEach((tp, offset) -> floors.merge(tp, offset, Math::min));
    }

    /**
     * The partitions of this batch that start above their floor, which only the group's committed
     * offsets can clear ({@link #settle}); partitions that reached their floor are cleared here.
     */
    synchronized Set<TopicPartition> suspects(Map<TopicPartition, Long> firstOffsets) {
        Set<TopicPartition> out = new HashSet<>();
        firstOffsets.forEach((tp, first) -> {
            Long floor = floors.get(tp);
            if (floor == null) {
                return;
            }
            if (first <= floor) {
                floors.remove(tp);
            } else {
                out.add(tp);
            }
        });
        return out;
    }

    /**
     * Decides the suspects with the group's committed offsets (absent: nothing committed yet).
     * Returns true when the batch may be processed.
     */
    synchronized boolean settle(Map<TopicPartition, Long> firstOffsets, Map<TopicPartition, Long> committed) {
        boolean ok = true;
        for (TopicPartition tp : suspects(firstOffsets)) {
            Long floor = floors.get(tp);
            Long done = committed.get(tp);
            if (done != null && done > floor) {
                floors.remove(tp); // another member published past the floor
                ok &= firstOffsets.get(tp).equals(done);
            } else {
                ok = false;
            }
        }
        return ok;
    }

    synchronized boolean idle() {
        return floors.isEmpty();
    }
}
