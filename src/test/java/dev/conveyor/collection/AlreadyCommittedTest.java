package dev.conveyor.collection;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AlreadyCommittedTest {
    private static final TopicPartition P1 = new TopicPartition("conveyor.completed", 1);
    private static final TopicPartition P2 = new TopicPartition("conveyor.completed", 2);

    @Test
    void recordsBelowTheCommittedOffsetAreDroppedTheRestPublished() {
        AlreadyCommitted known = new AlreadyCommitted();
        known.committed(Map.of(P2, 16L));
        // a batch fetched before a rewind already published offset 15; its re-fetch brings 15 again, then 16
        AlreadyCommitted.Admission a = known.admit(List.of(P2, P2, P1), List.of(15L, 16L, 3L));
        assertThat(a.stale()).isFalse();
        assertThat(a.keep()).containsExactly(false, true, true);
        assertThat(a.dropped()).isEqualTo(1);
    }

    @Test
    void aBatchThatStartsAboveTheCommittedOffsetIsStale() {
        AlreadyCommitted known = new AlreadyCommitted();
        known.committed(Map.of(P1, 10L));
        // offsets 10..11 were in an aborted transaction: a batch starting at 12 must not commit past them
        assertThat(known.admit(List.of(P1), List.of(12L)).stale()).isTrue();
        assertThat(known.admit(List.of(P1, P1), List.of(10L, 11L)).stale()).isFalse();
    }

    @Test
    void unknownPartitionsAreReadOnceAndARevocationForgetsEverything() {
        AlreadyCommitted known = new AlreadyCommitted();
        assertThat(known.unknown(List.of(P1, P2))).containsExactly(P1, P2);
        known.learned(Map.of(P1, 7L), List.of(P1, P2)); // P2: nothing committed yet
        assertThat(known.unknown(List.of(P1, P2))).isEmpty();
        assertThat(known.admit(List.of(P2), List.of(40L)).stale()).isFalse();
        assertThat(known.admit(List.of(P1), List.of(6L)).keep()).containsExactly(false);
        known.forget();
        assertThat(known.unknown(List.of(P1))).containsExactly(P1);
    }

    @Test
    void theCommittedOffsetOnlyMovesForward() {
        AlreadyCommitted known = new AlreadyCommitted();
        known.committed(Map.of(P1, 20L));
        known.committed(Map.of(P1, 12L));
        assertThat(known.admit(List.of(P1), List.of(19L)).keep()).containsExactly(false);
    }
}
