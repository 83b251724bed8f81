package dev.conveyor.collection;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chaos run's lost results: a result transaction aborted by a rebalance, and the next batch of
 * the same partition — fetched before SmallRye's rewind — committed past the aborted completions.
 */
class RewindGuardTest {
    private static final TopicPartition P1 = new TopicPartition("conveyor.completed", 1);
    private static final TopicPartition P2 = new TopicPartition("conveyor.completed", 2);

    @Test
    void withoutAnAbortEveryBatchIsAdmitted() {
        RewindGuard guard = new RewindGuard();
        assertThat(guard.idle()).isTrue();
        assertThat(guard.suspects(Map.of(P1, 8L))).isEmpty();
    }

    @Test
    void aBatchFetchedBeforeTheRewindCannotCommitPastTheAbortedRecords() {
        RewindGuard guard = new RewindGuard();
        guard.aborted(Map.of(P1, 7L, P2, 3L));

        // the batch after the aborted one, already fetched: starts at 8 on partition 1
        assertThat(guard.suspects(Map.of(P1, 8L))).containsExactly(P1);
        assertThat(guard.settle(Map.of(P1, 8L), Map.of(P1, 7L))).as("committed is still 7: 8 is stale").isFalse();
        assertThat(guard.settle(Map.of(P1, 8L), Map.of())).as("nothing committed yet: stale too").isFalse();

        // the re-delivery starts at the committed offset, at or below the floor
        assertThat(guard.suspects(Map.of(P1, 5L, P2, 3L))).isEmpty();
        assertThat(guard.idle()).isTrue();
    }

    @Test
    void aPartitionAnotherMemberPublishedPastTheFloorIsAdmittedFromItsCommittedOffset() {
        RewindGuard guard = new RewindGuard();
        guard.aborted(Map.of(P1, 7L));

        assertThat(guard.settle(Map.of(P1, 20L), Map.of(P1, 20L))).isTrue();
        assertThat(guard.idle()).isTrue();
    }

    @Test
    void aPartitionAnotherMemberMovedPastTheFloorStillRefusesAGap() {
        RewindGuard guard = new RewindGuard();
        guard.aborted(Map.of(P1, 7L));

        assertThat(guard.settle(Map.of(P1, 25L), Map.of(P1, 20L))).isFalse();
        assertThat(guard.suspects(Map.of(P1, 20L))).as("the floor went with the other member's commit").isEmpty();
    }

    @Test
    void otherPartitionsAreNotHeldBack() {
        RewindGuard guard = new RewindGuard();
        guard.aborted(Map.of(P1, 7L));

        assertThat(guard.suspects(Map.of(P2, 100L))).isEmpty();
        assertThat(guard.settle(Map.of(P2, 100L), Map.of())).isTrue();
        assertThat(guard.idle()).isFalse();
    }

    @Test
    void twoAbortsKeepTheLowerFloor() {
        RewindGuard guard = new RewindGuard();
        guard.aborted(Map.of(P1, 7L));
        guard.aborted(Map.of(P1, 9L));

        assertThat(guard.settle(Map.of(P1, 8L), Map.of(P1, 7L))).isFalse();
        assertThat(guard.suspects(Map.of(P1, 7L))).isEmpty();
    }
}
