package dev.conveyor.collection;

import dev.conveyor.config.ConveyorConfig;
import dev.conveyor.messaging.Channels;
import dev.conveyor.messaging.DeadLetters;
import dev.conveyor.messaging.Envelopes;
import dev.conveyor.messaging.EventTypes;
import dev.conveyor.messaging.RecordSource;
import dev.conveyor.messaging.StageHandler;
import dev.conveyor.model.JobState;
import dev.conveyor.model.Json;
import dev.conveyor.model.events.JobCompleted;
import dev.conveyor.model.events.JobStatusEvent;
import dev.conveyor.model.result.JobResult;
import dev.conveyor.retry.CallPolicy;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.transactions.KafkaTransactions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * completed → results, exactly once. The result, the final status event and the consumed offset
 * are committed in one Kafka transaction; the {@link ResultLedger} turns duplicate completions from
 * upstream into no-ops. Building the result never gives up on a store that is away for a while: it
 * is retried (the partition waits; nothing commits past it); a completion whose result cannot be
 * built at all gets a FAILED result saying why, and goes to the DLQ too. An aborted transaction
 * rewinds the consumer, so the record comes again.
 */
@ApplicationScoped
public class CollectionStage {
    private static final Logger LOG = Logger.getLogger(CollectionStage.class);

    @Inject
    CollectionService collection;
    @Inject
    ConveyorConfig config;
    @Inject
    @Named("collection")
    CallPolicy policy;
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

    /** What to publish for one completion record. Never throws. */
    List<Message<String>> plan(Message<String> message, String source) {
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
            policy.call("collect", () -> collection.collect(done, source)).ifPresent(r -> add(out, r));
        } catch (Throwable e) {
            Throwable cause = e instanceof CallPolicy.CallFailedException && e.getCause() != null ? e.getCause() : e;
            LOG.errorf(cause, "the result of job %s cannot be built; publishing a FAILED result", done.jobId());
            add(out, new JobResult(done.jobId(), done.name(), done.state() == JobState.REJECTED ? JobState.REJECTED : JobState.FAILED,
                    "the result could not be built: " + cause.getMessage() + " (the job ended " + done.state() + ")",
                    done.problems().isEmpty() ? null : done.problems(), null, null, null, done.submittedAt(),
                    done.startedAt(), done.finishedAt(), null, List.of(), done.request(), null, null));
            out.add(DeadLetters.of(message, config.topics().dlq(), cause));
        }
        return out;
    }

    private void add(List<Message<String>> out, JobResult result) {
        out.add(Envelopes.message(result.jobId(), "collection", EventTypes.RESULT, result));
        out.add(Envelopes.message(result.jobId(), "collection", EventTypes.STATUS,
                new JobStatusEvent(result.jobId(), "collection", result.status().name(), null, null,
                        result.reason() == null ? "result published" : result.reason(), null, Instant.now()),
                config.topics().status()));
    }
}
