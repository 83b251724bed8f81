package dev.conveyor.collection;

import dev.conveyor.messaging.Channels;
import dev.conveyor.messaging.OutputRefusals;
import dev.conveyor.messaging.Resend;
import dev.conveyor.messaging.StageHandler;
import dev.conveyor.messaging.StageObserver;
import dev.conveyor.model.result.JobResult;
import dev.conveyor.retry.CallPolicy;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.transactions.KafkaTransactions;
import org.apache.kafka.common.TopicPartition;
import io.smallrye.common.annotation.Identifier;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * completed → results, exactly once. The result, the final status event and the consumed offset
 * are committed in one Kafka transaction; the {@link ResultLedger} turns duplicate completions from
 * upstream into no-ops. Building the result never gives up on a store that is away for a while: it
 * is retried (the partition waits; nothing commits past it); a completion whose result cannot be
 * built at all gets a FAILED result saying why, and goes to the DLQ too. An aborted transaction
 * rewinds the consumer, so the records come again.
 *
 * <p>Completions are consumed in batches (what one poll returns) and published in <em>one</em>
 * transaction per batch — SmallRye's documented pattern for exactly-once processing — with the
 * results of different jobs built in parallel and one job's completions in order
 * ({@link CompletionPlanner}). The next batch is planned while the previous one commits; the
 * transactions themselves run one after the other, and a batch planned across a rewind or a
 * partition revocation is dropped, not committed.
 */
@ApplicationScoped
public class CollectionStage {
    private static final Logger LOG = Logger.getLogger(CollectionStage.class);
    private static final String STAGE = "collection";

    @Inject
    CompletionPlanner planner;
    @Inject
    @Named("collection")
    CallPolicy policy;
    @Inject
    @Channel(Channels.RESULTS)
    KafkaTransactions<String> results;
    /** Each result published, for ops/ConveyorMetrics (fired after its transaction committed). */
    @Inject
    jakarta.enterprise.event.Event<JobResult> published;

    @Inject
    KafkaClientService kafka;
    @Inject
    @Identifier(CollectionRebalance.NAME)
    CollectionRebalance rebalance;

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaConfig;
    @ConfigProperty(name = "mp.messaging.incoming.completed-in.group.id")
    String group;
    @ConfigProperty(name = "conveyor.topics.results")
    String resultsTopic;
    /** Jobs whose result transaction did not commit, until one does (readiness: {@code stage-outputs}). */
    @Inject
    OutputRefusals refusals;
    /** Transactions in a row that did not commit: the rewind after each waits longer ({@link Resend#pause}). */
    private final java.util.concurrent.atomic.AtomicInteger failedInRow = new java.util.concurrent.atomic.AtomicInteger();

    private final RewindGuard guard = new RewindGuard();
    /** Counts rewinds: a batch planned before one is dropped instead of committed. */
    private final java.util.concurrent.atomic.AtomicLong rewinds = new java.util.concurrent.atomic.AtomicLong();
    /** The transaction of the batch ahead (settled: committed, or rewound). */
    private volatile CompletableFuture<Void> inFlight = CompletableFuture.completedFuture(null);
    /** The committed offsets this instance knows, and the revocations it has accounted for. */
    private final Known known = new Known();

    private static final class Known {
        final AlreadyCommitted offsets = new AlreadyCommitted();
        final java.util.concurrent.atomic.AtomicLong revocationsSeen = new java.util.concurrent.atomic.AtomicLong();
    }

    private final TransactionCommits commits = new TransactionCommits(() -> kafka.getProducer(Channels.RESULTS).unwrap());
    private CommittedOffsets offsets;

    void stop(@Observes ShutdownEvent event) {
        synchronized (this) {
            if (offsets != null) {
                offsets.close();
            }
        }
    }

    @Incoming(Channels.COMPLETED_IN)
    public Uni<Void> onCompleted(KafkaRecordBatch<String, String> batch) {
        Map<TopicPartition, Long> firsts = firstOffsets(batch.getRecords());
        return admitted(firsts).chain(ok -> {
            if (ok) {
                return publish(batch, firsts);
            }
            LOG.infof("a batch of %d completion(s) fetched before the last rewind is skipped; the consumer rewinds again",
                    batch.getRecords().size());
            return consumer().resetToLastCommittedPositions();
        });
    }

    /** False for a batch fetched before an abort's rewind ({@link RewindGuard}). */
    private Uni<Boolean> admitted(Map<TopicPartition, Long> firsts) {
        if (guard.idle()) {
            return Uni.createFrom().item(true);
        }
        Set<TopicPartition> suspects = guard.suspects(firsts);
        if (suspects.isEmpty()) {
            return Uni.createFrom().item(true);
        }
        return consumer().committed(suspects.toArray(TopicPartition[]::new)).map(committed -> {
            Map<TopicPartition, Long> offsets = new HashMap<>();
            committed.forEach((tp, o) -> {
                if (o != null) {
                    offsets.put(tp, o.offset());
                }
            });
            return guard.settle(firsts, offsets);
        });
    }

    private KafkaConsumer<Object, Object> consumer() {
        return kafka.getConsumers(Channels.COMPLETED_IN).get(0);
    }

    /** Per partition, the offset after the batch's last record: where a committed batch leaves the group. */
    static Map<TopicPartition, Long> nextOffsets(List<KafkaRecord<String, String>> records) {
        Map<TopicPartition, Long> out = new HashMap<>();
        for (KafkaRecord<String, String> r : records) {
            r.getMetadata(IncomingKafkaRecordMetadata.class).ifPresent(m ->
                    out.merge(new TopicPartition(m.getTopic(), m.getPartition()), m.getOffset() + 1, Math::max));
        }
        return out;
    }

    private synchronized CommittedOffsets offsets() {
        if (offsets == null) {
            offsets = new CommittedOffsets(kafkaConfig, group, Duration.ofSeconds(30));
        }
        return offsets;
    }

    static Map<TopicPartition, Long> firstOffsets(List<KafkaRecord<String, String>> records) {
        Map<TopicPartition, Long> out = new HashMap<>();
        for (KafkaRecord<String, String> r : records) {
            r.getMetadata(IncomingKafkaRecordMetadata.class).ifPresent(m ->
                    out.merge(new TopicPartition(m.getTopic(), m.getPartition()), m.getOffset(), Math::min));
        }
        return out;
    }

    /**
     * Plans the batch (in parallel per job) while the previous batch's transaction commits, then
     * starts this batch's transaction once that one is settled. Returns when the transaction is
     * started, so SmallRye hands over the next batch to plan meanwhile: at most one batch commits
     * and one is planned at a time, and transactions run strictly in order — a batch never commits
     * before the one ahead of it has committed (or been rewound, in which case it is dropped and
     * its records come again).
     */
    private Uni<Void> publish(KafkaRecordBatch<String, String> batch, Map<TopicPartition, Long> firsts) {
        long start = System.nanoTime();
        if (LOG.isDebugEnabled()) {
            long oldest = batch.getRecords().stream().mapToLong(r -> r.getMetadata(IncomingKafkaRecordMetadata.class)
                    .map(m -> m.getTimestamp().toEpochMilli()).orElse(Long.MAX_VALUE)).min().orElse(0);
            LOG.debugf("%d completion(s) fetched %d ms after the oldest was created", batch.getRecords().size(),
                    System.currentTimeMillis() - oldest);
        }
        StageObserver o = StageHandler.observer();
        batch.getRecords().forEach(r -> o.record(STAGE, StageObserver.Outcome.IN));
        long epoch = rewinds.get();
        long revocations = rebalance.revocations();
        CompletableFuture<Void> ahead = inFlight;
        return StageHandler.blocking(() -> planner.planAll(batch.getRecords()))
                .call(planned -> Uni.createFrom().completionStage(ahead))
                .chain(records -> {
                    long revokedNow = rebalance.revocations();
                    if (known.revocationsSeen.getAndSet(revokedNow) != revokedNow) {
                        known.offsets.forget(); // partitions came and went: read what the group has committed again
                    }
                    if (rewinds.get() != epoch) {
                        // the batch ahead was rewound after this one was fetched: its records come again
                        LOG.infof("a batch of %d completion(s) planned before a rewind is dropped; its records come again",
                                batch.getRecords().size());
                        return Uni.createFrom().voidItem();
                    }
                    if (rebalance.revocations() != revocations) {
                        // some of its partitions may be another member's now, which reads them again
                        return rewind(firsts, "partitions were revoked while " + batch.getRecords().size()
                                + " completion(s) were planned; they are not committed here");
                    }
                    return admit(batch, records).chain(kept -> {
                        if (kept == null) {
                            return rewind(firsts, "a batch of " + batch.getRecords().size()
                                    + " completion(s) starts above the committed offset (fetched before a rewind)");
                        }
                        inFlight = transact(batch, firsts, kept, start).subscribeAsCompletionStage();
                        return Uni.createFrom().voidItem();
                    });
                })
                .onFailure().recoverWithUni(e -> Uni.createFrom().completionStage(ahead)
                        .chain(() -> rewind(firsts, "planning " + batch.getRecords().size() + " completion(s) failed: " + e)));
    }

    /**
     * The messages to publish for a batch whose transaction may start now: without those of records
     * the group has already committed past ({@link AlreadyCommitted}); null when the batch is stale.
     */
    private Uni<List<Message<String>>> admit(KafkaRecordBatch<String, String> batch, List<List<Message<String>>> planned) {
        List<TopicPartition> partitions = new ArrayList<>();
        List<Long> offsets = new ArrayList<>();
        for (KafkaRecord<String, String> r : batch.getRecords()) {
            IncomingKafkaRecordMetadata<?, ?> m = r.getMetadata(IncomingKafkaRecordMetadata.class).orElseThrow();
            partitions.add(new TopicPartition(m.getTopic(), m.getPartition()));
            offsets.add(m.getOffset());
        }
        List<TopicPartition> unknown = known.offsets.unknown(new java.util.LinkedHashSet<>(partitions));
        Uni<Void> learned = unknown.isEmpty() ? Uni.createFrom().voidItem()
                : StageHandler.blocking(() -> policy.call("committed-offsets",
                        () -> offsets().committed(new java.util.HashSet<>(unknown))))
                .invoke(fromGroup -> known.offsets.learned(fromGroup, unknown)).replaceWithVoid();
        return learned.map(x -> {
            AlreadyCommitted.Admission a = known.offsets.admit(partitions, offsets);
            if (a.stale()) {
                return null;
            }
            if (a.dropped() > 0) {
                LOG.infof("%d of %d completion(s) in a batch are already published (below the committed offset); "
                        + "they are not published again", a.dropped(), batch.getRecords().size());
            }
            List<Message<String>> out = new ArrayList<>();
            for (int i = 0; i < planned.size(); i++) {
                if (a.keep()[i]) {
                    out.addAll(planned.get(i));
                }
            }
            return out;
        });
    }

    /** One batch's transaction, then whether it committed; rewinds when it did not. Never fails. */
    private Uni<Void> transact(KafkaRecordBatch<String, String> batch, Map<TopicPartition, Long> firsts,
                               List<Message<String>> records, long start) {
        long started = System.nanoTime();
        double commitsBefore = commits.total();
        return results.withTransactionAndAck(batch, tx -> {
                    if (LOG.isDebugEnabled()) {
                        LOG.debugf("transaction begun %d ms after it was started", (System.nanoTime() - started) / 1_000_000);
                    }
                    records.forEach(tx::send);
                    return Uni.createFrom().voidItem();
                })
                .chain(() -> {
                    if (commitsBefore >= 0 && commits.total() > commitsBefore) {
                        // the producer's commitTransaction returned normally: the transaction committed
                        return Uni.createFrom().item(Set.<TopicPartition>of());
                    }
                    // SmallRye may have aborted a failed commit without saying so (CommittedOffsets): ask the group
                    return StageHandler.blocking(() -> policy.call("commit-check",
                            () -> offsets().behind(nextOffsets(batch.getRecords()))));
                })
                .chain(behind -> {
                    if (!behind.isEmpty()) {
                        return failed(batch, firsts, "the result transaction for " + batch.getRecords().size()
                                + " completion(s) did not commit (" + behind + " not moved)");
                    }
                    failedInRow.set(0);
                    batch.getRecords().forEach(r -> refusals.settled(resultsTopic, r.getKey()));
                    known.offsets.committed(nextOffsets(batch.getRecords()));
                    records.forEach(m -> m.getMetadata(JobResult.class).ifPresent(published::fire));
                    StageObserver o = StageHandler.observer();
                    long now = System.nanoTime();
                    batch.getRecords().forEach(r -> {
                        o.took(STAGE, now - start);
                        o.record(STAGE, StageObserver.Outcome.OUT);
                    });
                    LOG.debugf("%d completion(s): planned in %d ms, committed in %d ms", batch.getRecords().size(),
                            (started - start) / 1_000_000, (now - started) / 1_000_000);
                    return Uni.createFrom().voidItem();
                })
                .onFailure().recoverWithUni(e -> failed(batch, firsts, "result transaction for " + batch.getRecords().size()
                        + " completion(s) aborted: " + e.getMessage()))
                .replaceWithVoid();
    }

    /**
     * A batch's transaction did not commit: its jobs wait for their results (readiness says so once that
     * lasts), and the consumer rewinds — at once after the first failure, after a pause from the second
     * in a row on (1 s, doubling to 30 s), so a failure that comes back at once (a topic the service may
     * not write) does not spin. The transactions behind wait meanwhile: they could not commit either.
     */
    private Uni<Void> failed(KafkaRecordBatch<String, String> batch, Map<TopicPartition, Long> firsts, String why) {
        batch.getRecords().forEach(r -> refusals.refused(resultsTopic, r.getKey(), why));
        Duration pause = Resend.pause(failedInRow.incrementAndGet());
        if (pause.isZero()) {
            return rewind(firsts, why);
        }
        return Uni.createFrom().voidItem().onItem().delayIt().by(pause)
                .chain(() -> rewind(firsts, why + " (" + failedInRow.get() + " in a row: rewound after " + pause.toSeconds() + " s)"));
    }

    /**
     * The transaction aborted (or whether it committed is unknown): the consumer rewinds to the last
     * committed offsets and these records come again; a batch planned or fetched before the rewind
     * must not commit past them ({@link #rewinds}, {@link RewindGuard}).
     */
    private Uni<Void> rewind(Map<TopicPartition, Long> firsts, String why) {
        rewinds.incrementAndGet();
        guard.aborted(firsts);
        LOG.warnf("%s; the consumer rewinds and they come again", why);
        return consumer().resetToLastCommittedPositions().onFailure().recoverWithNull().replaceWithVoid();
    }
}
