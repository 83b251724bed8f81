package dev.conveyor.messaging;

import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which send failures make a stage send its output again, and which send its input to the DLQ; how long
 * collection waits before it rewinds after result transactions that did not commit, in a row.
 */
class ResendTest {

    @Test
    void failuresKafkaCallsRetriableAreSentAgainWhereverTheyAreInTheCauseChain() {
        assertThat(Resend.passes(new TimeoutException("Topic t not present in metadata after 1000 ms."))).isTrue();
        assertThat(Resend.passes(new TimeoutException("Expiring 1 record(s) for t-0: 120000 ms has passed"))).isTrue();
        assertThat(Resend.passes(new NotLeaderOrFollowerException("no leader"))).isTrue();
        assertThat(Resend.passes(new UnknownTopicOrPartitionException("gone"))).isTrue();
        assertThat(Resend.passes(new CompletionException(new TimeoutException("wrapped")))).isTrue();
    }

    @Test
    void failuresThatWouldRepeatAreNotSentAgain() {
        assertThat(Resend.passes(new RecordTooLargeException("too large"))).isFalse();
        assertThat(Resend.passes(new TopicAuthorizationException(Set.of("conveyor.staged")))).isFalse();
        assertThat(Resend.passes(new IllegalStateException("Cannot perform operation after producer has been closed"))).isFalse();
    }

    @Test
    void noPauseAfterAFirstFailureThenDoublingFromOneSecondUpToThirty() {
        assertThat(IntStream.rangeClosed(1, 9).mapToObj(Resend::pause).map(Duration::toSeconds))
                .containsExactly(0L, 1L, 2L, 4L, 8L, 16L, 30L, 30L, 30L);
        assertThat(Resend.pause(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(30));
    }
}
