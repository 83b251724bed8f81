package dev.conveyor.submission;

import dev.conveyor.messaging.Channels;
import dev.conveyor.messaging.EventPublisher;
import dev.conveyor.messaging.RecordSource;
import dev.conveyor.messaging.StageHandler;
import dev.conveyor.model.Problem;
import dev.conveyor.model.events.JobCompleted;
import dev.conveyor.model.events.JobStatusEvent;
import dev.conveyor.model.events.JobSubmitted;
import dev.conveyor.submission.SubmissionService.Accepted;
import dev.conveyor.submission.SubmissionService.Duplicate;
import dev.conveyor.submission.SubmissionService.Outcome;
import dev.conveyor.submission.SubmissionService.Rejected;
import dev.conveyor.submission.SubmissionService.Unreadable;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;

/**
 * requests → submitted. A bad request becomes a REJECTED completion (so collection publishes its
 * one result); bytes that are not a request are nacked to the DLQ, after a REJECTED completion when
 * an id could be recovered.
 */
@ApplicationScoped
public class SubmissionStage {
    private static final Logger LOG = Logger.getLogger(SubmissionStage.class);
    private static final String STAGE = "submission";

    @Inject
    SubmissionService submission;
    @Inject
    EventPublisher publish;

    @Incoming(Channels.REQUESTS)
    public Uni<Void> onRequest(Message<byte[]> message) {
        String source = RecordSource.of(message);
        Instant timestamp = message.getMetadata(IncomingKafkaRecordMetadata.class)
                .map(IncomingKafkaRecordMetadata::getTimestamp).orElse(Instant.now());
        var record = new SubmissionService.Record(message.getPayload(), RecordSource.key(message), source, timestamp);
        return StageHandler.blocking(() -> {
                    try {
                        return submission.submit(record);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                })
                .chain(outcome -> publish(outcome, source))
                .chain(outcome -> outcome instanceof Unreadable u
                        ? Uni.createFrom().completionStage(message.nack(new UnreadableRequestException(u.reason())))
                        : Uni.createFrom().completionStage(message.ack()))
                .onFailure().recoverWithUni(e -> {
                    LOG.errorf(e, "request %s could not be handled; it goes to the DLQ", source);
                    return Uni.createFrom().completionStage(message.nack(e));
                });
    }

    private Uni<Outcome> publish(Outcome outcome, String source) {
        Uni<Void> sent;
        if (outcome instanceof Accepted a) {
            sent = publish.submitted(new JobSubmitted(a.job(), source))
                    .chain(() -> publish.status(JobStatusEvent.job(a.job().id(), STAGE, "ACCEPTED",
                            a.job().tasks().size() + " tasks on " + a.job().runsOn().type())));
        } else if (outcome instanceof Rejected r) {
            sent = rejected(r.jobId(), r.problems());
        } else if (outcome instanceof Duplicate d) {
            sent = publish.status(JobStatusEvent.job(d.jobId(), STAGE, "DUPLICATE",
                    "a job with this id was already accepted (from " + d.acceptedFrom() + "); this request is ignored"));
        } else {
            Unreadable u = (Unreadable) outcome;
            sent = u.jobId()
                    .map(id -> rejected(id, List.of(new Problem("$", "not a job request: " + u.reason()))))
                    .orElseGet(() -> Uni.createFrom().voidItem());
        }
        return sent.replaceWith(outcome);
    }

    private Uni<Void> rejected(String jobId, List<Problem> problems) {
        return publish.completed(STAGE, JobCompleted.rejected(jobId, problems, Instant.now()))
                .chain(() -> publish.status(JobStatusEvent.job(jobId, STAGE, "REJECTED",
                        problems.size() + " problem(s) in the request")));
    }
}
