package dev.conveyor.collection;

import dev.conveyor.config.ConveyorConfig;
import dev.conveyor.messaging.Channels;
import dev.conveyor.messaging.DeadLetters;
import dev.conveyor.messaging.Envelopes;
import dev.conveyor.messaging.EventTypes;
import dev.conveyor.messaging.RecordSource;
import dev.conveyor.messaging.StageHandler;
import dev.conveyor.model.Json;
import dev.conveyor.model.events.JobCompleted;
import dev.conveyor.model.events.JobStatusEvent;
import dev.conveyor.model.result.JobResult;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.transactions.KafkaTransactions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;

/**
 * completed → results, exactly once. The result, the final status event and the consumed offset
 * are committed in one Kafka transaction; the {@link ResultLedger} turns duplicate completions
 * from upstream into no-ops. An unreadable completion goes to the DLQ in the same transaction.
 */
@ApplicationScoped
public class CollectionStage {
    private static final Logger LOG = Logger.getLogger(CollectionStage.class);

    @Inject
    CollectionService collection;
    @Inject
    ConveyorConfig config;
    @Inject
    @Channel(Channels.RESULTS)
    KafkaTransactions<String> results;

    @Incoming(Channels.COMPLETED_IN)
    public Uni<Void> onCompleted(Message<String> message) {
        String source = RecordSource.of(message);
        return StageHandler.blocking(() -> plan(message, source))
                .chain(records -> results.withTransactionAndAck(message, tx -> {
                    records.forEach(tx::send);
                    return Uni.createFrom().voidItem();
                }))
                .onFailure().recoverWithItem(e -> {
                    // The transaction aborted: the consumer rewinds to the last committed offset and
                    // this record comes again. Nothing is lost; nothing was published.
                    LOG.warnf("result transaction for %s aborted, will be retried: %s", source, e.getMessage());
                    return null;
                })
                .replaceWithVoid();
    }

    private List<Message<String>> plan(Message<String> message, String source) {
        List<Message<String>> out = new ArrayList<>();
        JobCompleted done;
        try {
            done = Json.read(message.getPayload(), JobCompleted.class);
        } catch (RuntimeException e) {
            LOG.errorf("completion record %s is unreadable; it goes to the DLQ: %s", source, e.getMessage());
            out.add(DeadLetters.of(message, config.topics().dlq(), e));
            return out;
        }
        try {
            for (JobResult result : collection.collect(done, source).stream().toList()) {
                out.add(Envelopes.message(result.jobId(), "collection", EventTypes.RESULT, result));
                out.add(Envelopes.message(result.jobId(), "collection", EventTypes.STATUS,
                        JobStatusEvent.job(result.jobId(), "collection", result.status().name(),
                                result.reason() == null ? "result published" : result.reason()),
                        config.topics().status()));
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("collecting job " + done.jobId() + " failed", e);
        }
        return out;
    }
}
