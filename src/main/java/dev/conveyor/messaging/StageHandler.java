package dev.conveyor.messaging;

import dev.conveyor.model.Json;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import java.util.Map;
import java.util.function.Function;

/**
 * The shape every stage consumer shares: read the event, do the (blocking) work off the event
 * loop, publish, and only then acknowledge. A record that cannot be read, or whose handling fails,
 * is nacked: the channel's dead-letter-queue strategy sends it to the DLQ with reason headers and
 * the partition moves on. While a record is handled its job id (the record key) is in the logging
 * MDC ({@link JobLogContext}); every record is counted and timed through the {@link StageObserver}
 * and is one span of its job's trace ({@link RecordTracing}).
 */
public final class StageHandler {
    private static final Logger LOG = Logger.getLogger(StageHandler.class);
    /** The stage that consumes each event type (the metrics' stage tag). */
    private static final Map<String, String> STAGES = Map.of(
            "JobSubmitted", "staging",
            "JobStaged", "dispatch",
            "JobDispatched", "monitoring",
            "ControlMessage", "control");

    private static volatile StageObserver observer = StageObserver.NONE;
    /** Where records the DLQ did not take are reported while they are sent there again (readiness: stage-outputs). */
    private static volatile OutputRefusals dlqRefusals;
    private static volatile String dlqTopic;

    private StageHandler() {
    }

    /**
     * Where records the DLQ ({@code topic}) refuses are reported until it takes them, beside the stage outputs
     * the broker refuses (one per process; {@link EventPublisher} sets it).
     */
    static void reportDlqRefusalsTo(OutputRefusals refusals, String topic) {
        dlqRefusals = refusals;
        dlqTopic = topic;
    }

    /** Where every stage reports its records (one per process; ops/ConveyorMetrics sets it). */
    public static void observeWith(StageObserver o) {
        observer = o == null ? StageObserver.NONE : o;
    }

    /**
     * Counts {@code message} in for {@code stage} and returns it wrapped so that its acknowledgement
     * counts it out (a nack: failed and sent to the DLQ) with the time it was held — for the stages
     * that do not go through {@link #handle} (submission, monitoring, collection).
     */
    public static <T> Message<T> observed(String stage, Message<T> message) {
        StageObserver o = observer;
        long start = System.nanoTime();
        o.record(stage, StageObserver.Outcome.IN);
        return message.withAck(() -> {
            o.took(stage, System.nanoTime() - start);
            o.record(stage, StageObserver.Outcome.OUT);
            return message.ack();
        }).withNack(e -> {
            o.took(stage, System.nanoTime() - start);
            o.record(stage, StageObserver.Outcome.FAILED);
            o.record(stage, StageObserver.Outcome.DLQ);
            return toDlq(stage, message, e);
        });
    }

    /**
     * Nacks the record — the channel's strategy sends it to the DLQ, and acknowledges it once the DLQ has
     * it. When the DLQ does not take it for a reason that passes (its topic gone or without a leader:
     * SmallRye gives up after the DLQ producer's {@code delivery.timeout.ms}), the stage moves on — the
     * records behind it, of its key too, are not held up by the DLQ — and the record is nacked again in
     * the background ({@link Resend}), until the DLQ takes it; unacknowledged meanwhile, it
     * keeps the partition's committed offset behind it, so a restart sends it again. (Given up on, the
     * record was neither in the DLQ nor acknowledged: the committed offset stayed behind it for the life
     * of the process, and it never reached the DLQ.) Completes when the DLQ has it, or on that first
     * failure that passes; fails on one that does not.
     */
    static <T> java.util.concurrent.CompletionStage<Void> toDlq(String stage, Message<T> message, Throwable reason) {
        java.util.concurrent.CompletableFuture<Void> first = new java.util.concurrent.CompletableFuture<>();
        OutputRefusals refusals = dlqRefusals;
        String topic = dlqTopic;
        String which = RecordSource.of(message); // the record (two of one job may wait)
        Resend.untilTaken(Uni.createFrom().completionStage(() -> message.nack(reason)), f -> {
                    first.complete(null);
                    observer.record(stage, StageObserver.Outcome.RESENT);
                    if (refusals != null) {
                        refusals.recordRefused(topic, which, f);
                    }
                    LOG.warnf("%s: record %s was not taken by the DLQ (%s); it is sent there again",
                            stage, RecordSource.of(message), f.getMessage());
                })
                .onTermination().invoke(() -> {
                    if (refusals != null) {
                        refusals.settled(topic, which);
                    }
                })
                .subscribe().with(ok -> first.complete(null), first::completeExceptionally);
        return first;
    }

    /** Where stages outside {@link #handle} report records they count themselves (collection's batches). */
    public static StageObserver observer() {
        return observer;
    }

    /** The stage name the metrics use for records of {@code type}. */
    public static String stageOf(Class<?> type) {
        return STAGES.getOrDefault(type.getSimpleName(), type.getSimpleName());
    }

    /**
     * Reads {@code received} as {@code type} and calls {@code work} with it on a worker thread (so the
     * work may block; no further hand-off is needed), then acknowledges the record once the Uni the
     * work returns completes — or nacks it to the DLQ if reading, the work or its Uni fails.
     */
    public static <T> Uni<Void> handle(Message<String> received, Class<T> type, Function<T, Uni<Void>> work) {
        return handle(received, type, work, null, null);
    }

    /**
     * As {@link #handle(Message, Class, Function)}, but a failure that may pass ({@link HeldRecords#mayPass}: the
     * work lets only the object store's staying away through) holds the record in {@code held} and hands it back
     * to the stage later through {@code again}, instead of sending it to the DLQ.
     */
    public static <T> Uni<Void> handle(Message<String> received, Class<T> type, Function<T, Uni<Void>> work,
                                       HeldRecords held, java.util.function.Supplier<Uni<Void>> again) {
        String stage = stageOf(type);
        String jobId = RecordSource.key(received);
        RecordTracer.Span span = RecordTracing.taken(stage, received);
        Message<String> message = observed(stage, received); // counted in now, out (or failed + DLQ) on its (n)ack
        return Uni.createFrom().<Uni<Void>>item(() -> JobLogContext.with(jobId,
                        () -> work.apply(Json.read(message.getPayload(), type))))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .chain(pending -> pending)
                .chain(() -> Uni.createFrom().completionStage(message.ack()))
                .invoke(() -> {
                    span.end(null);
                    if (held != null) {
                        held.answered(); // handled: the store answers this stage again
                    }
                })
                .onFailure().recoverWithUni(e -> {
                    span.end(e);
                    if (held != null && held.holdIfItMayPass(HeldRecords.name(jobId, received), received, e, again)) {
                        return Uni.createFrom().voidItem();
                    }
                    JobLogContext.with(jobId, () -> {
                        LOG.errorf(e, "%s: record %s goes to the DLQ", type.getSimpleName(), RecordSource.of(message));
                        return null;
                    });
                    return Uni.createFrom().completionStage(message.nack(e));
                });
    }

    /** Runs blocking work on a worker thread, with the caller's job id (if any) in the worker's MDC. */
    public static <R> Uni<R> blocking(java.util.function.Supplier<R> work) {
        String jobId = JobLogContext.current();
        return Uni.createFrom().item(() -> JobLogContext.with(jobId, work)).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }
}
