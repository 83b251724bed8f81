package dev.conveyor.submission;

import dev.conveyor.messaging.Channels;
import dev.conveyor.messaging.EventPublisher;
import dev.conveyor.messaging.JobLogContext;
import dev.conveyor.messaging.HeldRecords;
import dev.conveyor.messaging.KeyedExecutor;
import dev.conveyor.messaging.RecordSource;
import dev.conveyor.messaging.RecordTracer;
import dev.conveyor.messaging.RecordTracing;
import dev.conveyor.messaging.StageHandler;
import dev.conveyor.model.Problem;
import dev.conveyor.model.events.JobCompleted;
import dev.conveyor.model.events.JobStatusEvent;
import dev.conveyor.model.events.JobSubmitted;
import dev.conveyor.retry.CallPolicy;
import dev.conveyor.submission.SubmissionService.Accepted;
import dev.conveyor.submission.SubmissionService.AlreadyDone;
import dev.conveyor.submission.SubmissionService.Duplicate;
import dev.conveyor.submission.SubmissionService.Outcome;
import dev.conveyor.submission.SubmissionService.Rejected;
import dev.conveyor.submission.SubmissionService.Unreadable;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.List;

/**
 * requests → submitted. A bad request becomes a REJECTED completion (so collection publishes its
 * one result); bytes that are not a request are nacked to the DLQ, after a REJECTED completion when
 * an id could be recovered. Object-store trouble is retried under the stage policy, and a request the store
 * stays away for beyond it is held and handled again once it answers ({@link HeldRecords}); only a request
 * that cannot be handled for another reason goes to the DLQ, with the reason.
 */
@ApplicationScoped
public class SubmissionStage {
    private static final Logger LOG = Logger.getLogger(SubmissionStage.class);
    private static final String STAGE = "submission";

    @Inject
    SubmissionService submission;
    @Inject
    EventPublisher publish;
    @Inject
    @Named("stages")
    CallPolicy policy;

    @Inject
    @Named("stage-records")
    KeyedExecutor keyed;

    /**
     * Requests that cannot be handled while the object store stays away beyond the policy: held and handled again
     * every 30 s (the policy's longest pause) — in the DLQ such a request would have no result.
     */
    private HeldRecords held;

    @jakarta.annotation.PostConstruct
    void start() {
        held = HeldRecords.of(STAGE, policy.settings().maxDelay());
    }

    @Incoming(Channels.REQUESTS)
    public Uni<Void> onRequest(Message<byte[]> received) {
        Message<byte[]> message = StageHandler.observed(STAGE, received);
        return keyed.submit(RecordSource.orderingKey(message), () -> handle(message));
    }

    private Uni<Void> handle(Message<byte[]> message) {
        RecordTracer.Span span = RecordTracing.taken(STAGE, message);
        String source = RecordSource.of(message);
        Instant timestamp = message.getMetadata(IncomingKafkaRecordMetadata.class)
                .map(IncomingKafkaRecordMetadata::getTimestamp).orElse(Instant.now());
        var record = new SubmissionService.Record(message.getPayload(), RecordSource.key(message), source, timestamp);
        // the key (the job id a producer chose) in the MDC: the submission's logs and calls name the job
        return JobLogContext.with(RecordSource.key(message),
                        () -> StageHandler.blocking(() -> policy.call("submit", () -> submission.submit(record))))
                .invoke(outcome -> jobIdOf(outcome).ifPresent(span::job))
                .chain(outcome -> publish(outcome, record.requestId()))
                .chain(outcome -> outcome instanceof Unreadable u
                        ? Uni.createFrom().completionStage(message.nack(new UnreadableRequestException(u.reason())))
                        : Uni.createFrom().completionStage(message.ack()))
                .invoke(() -> {
                    span.end(null);
                    held.answered(); // handled: the store answers this stage again
                })
                .onFailure().recoverWithUni(e -> {
                    span.end(e);
                    if (held.holdIfItMayPass("request " + source, message, e,
                            () -> keyed.submit(RecordSource.orderingKey(message), () -> handle(message)))) {
                        return Uni.createFrom().voidItem(); // the store away beyond the policy: the request waits for it
                    }
                    LOG.errorf(e, "request %s could not be handled; it goes to the DLQ", source);
                    return Uni.createFrom().completionStage(message.nack(e));
                });
    }

    /** The id of the job an outcome is about, when there is one (for the trace). */
    private static java.util.Optional<String> jobIdOf(Outcome outcome) {
        if (outcome instanceof Accepted a) {
            return java.util.Optional.of(a.job().id());
        } else if (outcome instanceof Rejected r) {
            return java.util.Optional.ofNullable(r.jobId());
        } else if (outcome instanceof Duplicate d) {
            return java.util.Optional.ofNullable(d.jobId());
        } else if (outcome instanceof Unreadable u) {
            return u.jobId();
        }
        return java.util.Optional.empty();
    }

    private Uni<Outcome> publish(Outcome outcome, String request) {
        Uni<Void> sent;
        if (outcome instanceof Accepted a) {
            var job = a.job();
            sent = publish.submitted(new JobSubmitted(job.id(), job.name(), a.spec().key(), a.spec().hash(),
                    job.tasks().size(), job.runsOn().type(), a.request(), job.submittedAt()),
                    JobStatusEvent.job(job.id(), STAGE, "ACCEPTED", JobStatusEvent.tasks(job.tasks().size()) + " on " + job.runsOn().type()));
        } else if (outcome instanceof Rejected r) {
            sent = rejected(r.jobId(), r.problems(), request);
        } else if (outcome instanceof Duplicate d) {
            sent = publish.status(JobStatusEvent.job(d.jobId(), STAGE, "DUPLICATE",
                    "a job with this id was already accepted (from " + d.acceptedFrom() + "); this request is ignored"));
        } else if (outcome instanceof AlreadyDone) {
            sent = Uni.createFrom().voidItem();
        } else {
            Unreadable u = (Unreadable) outcome;
            sent = u.jobId()
                    .map(id -> rejected(id, List.of(new Problem("$", "not a job request: " + u.reason())), request))
                    .orElseGet(() -> Uni.createFrom().voidItem());
        }
        return sent.replaceWith(outcome);
    }

    private Uni<Void> rejected(String jobId, List<Problem> problems, String request) {
        return publish.completed(STAGE, JobCompleted.rejected(jobId, problems, request, Instant.now()),
                JobStatusEvent.job(jobId, STAGE, "REJECTED", problems.size() + " problem(s) in the request"));
    }
}
