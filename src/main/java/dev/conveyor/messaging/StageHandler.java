package dev.conveyor.messaging;

import dev.conveyor.model.Json;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import java.util.function.Function;

/**
 * The shape every stage consumer shares: read the event, do the (blocking) work off the event
 * loop, publish, and only then acknowledge. A record that cannot be read, or whose handling fails,
 * is nacked: the channel's dead-letter-queue strategy sends it to the DLQ with reason headers and
 * the partition moves on.
 */
public final class StageHandler {
    private static final Logger LOG = Logger.getLogger(StageHandler.class);

    private StageHandler() {
    }

    public static <T> Uni<Void> handle(Message<String> message, Class<T> type, Function<T, Uni<Void>> work) {
        return Uni.createFrom().<T>item(() -> Json.read(message.getPayload(), type))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .chain(item -> work.apply(item))
                .chain(() -> Uni.createFrom().completionStage(message.ack()))
                .onFailure().recoverWithUni(e -> {
                    LOG.errorf(e, "%s: record %s goes to the DLQ", type.getSimpleName(), RecordSource.of(message));
                    return Uni.createFrom().completionStage(message.nack(e));
                });
    }

    /** Runs blocking work on a worker thread. */
    public static <R> Uni<R> blocking(java.util.function.Supplier<R> work) {
        return Uni.createFrom().item(work).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }
}
