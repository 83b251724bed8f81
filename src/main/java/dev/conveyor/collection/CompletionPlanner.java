package dev.conveyor.collection;

import dev.conveyor.config.ConveyorConfig;
import dev.conveyor.messaging.DeadLetters;
import dev.conveyor.messaging.Envelopes;
import dev.conveyor.messaging.EventTypes;
import dev.conveyor.messaging.JobLogContext;
import dev.conveyor.messaging.RecordSource;
import dev.conveyor.messaging.RecordTracer;
import dev.conveyor.messaging.RecordTracing;
import dev.conveyor.messaging.StageHandler;
import dev.conveyor.messaging.StageObserver;
import dev.conveyor.model.JobState;
import dev.conveyor.model.Json;
import dev.conveyor.model.events.JobCompleted;
import dev.conveyor.model.events.JobStatusEvent;
import dev.conveyor.model.result.JobResult;
import dev.conveyor.retry.CallPolicy;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * What collection publishes for each completion record: the result and its final status event, or
 * — for a record it cannot read or a result it cannot build — a FAILED result and a DLQ record.
 * Results of different jobs are built in parallel (on {@code conveyor.concurrency.collection-builds}
 * threads), one job's completions in order. {@link CollectionStage} publishes what this plans, in
 * its transactions.
 */
@ApplicationScoped
public class CompletionPlanner {
    private static final Logger LOG = Logger.getLogger(CompletionPlanner.class);
    private static final String STAGE = "collection";

    @Inject
    CollectionService collection;
    @Inject
    ConveyorConfig config;
    @Inject
    @Named("collection")
    CallPolicy policy;

    private ExecutorService builders;

    @PostConstruct
    void start() {
        builders = Executors.newFixedThreadPool(config.concurrency().collectionBuilds(), r -> {
            Thread t = new Thread(r, "conveyor-collection");
            t.setDaemon(true);
            return t;
        });
    }

    void stop(@Observes ShutdownEvent event) {
        builders.shutdownNow();
    }

    /** What each record of a batch publishes, planned in parallel per job (one job's in order), in batch order. */
    public List<List<Message<String>>> planAll(List<KafkaRecord<String, String>> records) {
        Map<String, List<Integer>> byJob = new LinkedHashMap<>();
        for (int i = 0; i < records.size(); i++) {
            byJob.computeIfAbsent(RecordSource.orderingKey(records.get(i)), k -> new ArrayList<>()).add(i);
        }
        List<List<Message<String>>> planned = new ArrayList<>(java.util.Collections.nCopies(records.size(), null));
        List<CompletableFuture<Void>> jobs = new ArrayList<>();
        for (List<Integer> indexes : byJob.values()) {
            jobs.add(CompletableFuture.runAsync(() -> {
                for (int i : indexes) {
                    planned.set(i, plan(records.get(i), RecordSource.of(records.get(i))));
                }
            }, builders));
        }
        CompletableFuture.allOf(jobs.toArray(CompletableFuture[]::new)).join();
        return planned;
    }

    /** What to publish for one completion record. Never throws. */
    List<Message<String>> plan(Message<String> message, String source) {
        RecordTracer.Span span = RecordTracing.taken("collection", message);
        try {
            return JobLogContext.with(RecordSource.key(message), () -> planTraced(message, source));
        } finally {
            span.end(null);
        }
    }

    private List<Message<String>> planTraced(Message<String> message, String source) {
        List<Message<String>> out = new ArrayList<>();
        JobCompleted done;
        try {
            done = Json.read(message.getPayload(), JobCompleted.class);
        } catch (RuntimeException e) {
            LOG.errorf("completion record %s is unreadable; it goes to the DLQ: %s", source, e.getMessage());
            failed();
            out.add(DeadLetters.of(message, config.topics().dlq(), e));
            return out;
        }
        try {
            policy.call("collect", () -> collection.collect(done, source)).ifPresent(r -> add(out, r));
        } catch (Throwable e) {
            Throwable cause = CallPolicy.failureOf(e);
            LOG.errorf(cause, "the result of job %s cannot be built; publishing a FAILED result", done.jobId());
            add(out, new JobResult(done.jobId(), done.name(), done.state() == JobState.REJECTED ? JobState.REJECTED : JobState.FAILED,
                    "the result could not be built: " + cause.getMessage() + " (the job ended " + done.state() + ")",
                    done.problems().isEmpty() ? null : done.problems(), null, null, null, done.submittedAt(),
                    done.startedAt(), done.finishedAt(), null, List.of(), done.request(), null, null));
            failed();
            out.add(DeadLetters.of(message, config.topics().dlq(), cause));
        }
        return out;
    }

    private static void failed() {
        StageHandler.observer().record(STAGE, StageObserver.Outcome.FAILED);
        StageHandler.observer().record(STAGE, StageObserver.Outcome.DLQ);
    }

    private void add(List<Message<String>> out, JobResult result) {
        // the result rides along as metadata (the connector ignores it) so metrics see it once committed
        out.add(Envelopes.message(result.jobId(), "collection", EventTypes.RESULT, result).addMetadata(result));
        out.add(Envelopes.message(result.jobId(), "collection", EventTypes.STATUS,
                new JobStatusEvent(result.jobId(), "collection", result.status().name(), null, null,
                        result.reason() == null ? "result published" : result.reason(), null, Instant.now()),
                config.topics().status()));
    }
}
