package dev.conveyor.monitoring;

import dev.conveyor.messaging.Channels;
import dev.conveyor.messaging.EventPublisher;
import dev.conveyor.messaging.StageHandler;
import dev.conveyor.model.events.ControlMessage;
import dev.conveyor.model.events.JobStatusEvent;
import dev.conveyor.control.CancelRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * conveyor.control → every instance (each reads the topic in a consumer group of its own): records
 * the cancel for the stages the job has not reached yet, and stops it here if it runs here.
 */
@ApplicationScoped
public class ControlStage {
    @Inject
    CancelRegistry cancels;
    @Inject
    MonitoringStage monitoring;
    @Inject
    EventPublisher publish;

    @Incoming(Channels.CONTROL)
    public Uni<Void> onControl(Message<String> message) {
        return StageHandler.handle(message, ControlMessage.class, control -> {
            if (control.jobId() == null || !ControlMessage.CANCEL.equals(control.action())) {
                throw new IllegalArgumentException("unsupported control message: action '" + control.action()
                        + "' for job " + control.jobId() + " (supported: cancel with a jobId)");
            }
            String reason = control.reason() == null || control.reason().isBlank() ? "cancelled on request" : control.reason();
            cancels.request(control.jobId(), reason);
            boolean runningHere = monitoring.cancel(control.jobId(), reason);
            return runningHere
                    ? publish.status(JobStatusEvent.job(control.jobId(), "monitoring", "CANCELLING", reason))
                    : Uni.createFrom().voidItem();
        });
    }
}
