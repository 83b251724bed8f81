package dev.conveyor.collection;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** How long collection waits before it rewinds after result transactions that did not commit, in a row. */
class CollectionPauseTest {

    @Test
    void noPauseAfterAFirstFailureThenDoublingFromOneSecondUpToThirty() {
        assertThat(IntStream.rangeClosed(1, 9).mapToObj(CollectionStage::pause).map(Duration::toSeconds))
                .containsExactly(0L, 1L, 2L, 4L, 8L, 16L, 30L, 30L, 30L);
        assertThat(CollectionStage.pause(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(30));
    }
}
