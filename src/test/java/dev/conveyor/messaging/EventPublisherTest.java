package dev.conveyor.messaging;

import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;

/** Which send failures make a stage send its output again, and which send its input to the DLQ. */
class EventPublisherTest {

    @Test
    void failuresKafkaCallsRetriableAreSentAgainWhereverTheyAreInTheCauseChain() {
        assertThat(EventPublisher.passes(new TimeoutException("Topic t not present in metadata after 1000 ms."))).isTrue();
        assertThat(EventPublisher.passes(new TimeoutException("Expiring 1 record(s) for t-0: 120000 ms has passed"))).isTrue();
        assertThat(EventPublisher.passes(new NotLeaderOrFollowerException("no leader"))).isTrue();
        assertThat(EventPublisher.passes(new UnknownTopicOrPartitionException("gone"))).isTrue();
        assertThat(EventPublisher.passes(new CompletionException(new TimeoutException("wrapped")))).isTrue();
    }

    @Test
    void failuresThatWouldRepeatAreNotSentAgain() {
        assertThat(EventPublisher.passes(new RecordTooLargeException("too large"))).isFalse();
        assertThat(EventPublisher.passes(new TopicAuthorizationException(Set.of("conveyor.staged")))).isFalse();
        assertThat(EventPublisher.passes(new IllegalStateException("Cannot perform operation after producer has been closed"))).isFalse();
    }
}
