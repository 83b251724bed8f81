package dev.conveyor.monitoring;

import dev.conveyor.engine.JobDriver;
import dev.conveyor.model.events.JobDispatched;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One job this instance drives: its engine driver, the dispatched record held unacknowledged
 * until the job's completion is published ({@code token}), and a cancel that arrived for it.
 */
final class Watch {
    final JobDriver driver;
    final JobDispatched event;
    final Object token;
    final AtomicBoolean busy = new AtomicBoolean();
    volatile String cancelReason;
    volatile boolean announced;

    Watch(JobDriver driver, JobDispatched event, Object token) {
        this.driver = driver;
        this.event = event;
        this.token = token;
    }

    String jobId() {
        return event.jobId();
    }

    String backend() {
        return driver.backend().type();
    }
}
