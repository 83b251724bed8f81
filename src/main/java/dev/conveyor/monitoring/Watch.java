package dev.conveyor.monitoring;

import dev.conveyor.engine.JobDriver;
import dev.conveyor.model.events.JobDispatched;

import dev.conveyor.compute.TaskHandle;
import dev.conveyor.compute.TaskObservation;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
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
    /** The cancel the driver has already been given (a new one needs a turn). */
    volatile String cancelApplied;
    /** The earliest time the job needs a turn with no news (a retry, a time limit), or null. */
    volatile Instant wakeAt;
    /** A turn must come next cycle whatever the backend says (first turn, a failed turn). */
    volatile boolean due = true;
    /** The job's completion is on its way to the broker: its turns send none until it is refused. */
    volatile boolean completing;
    /** What the backend said last time, per handle: a turn is needed only when it changes. */
    private final Map<String, String> lastSeen = new HashMap<>();

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

    /**
     * Whether this job needs a turn now: something the backend said changed, a cancel came, a
     * retry or a time limit is due, or the last turn asked for another. Jobs whose tasks simply go on
     * running cost nothing but their share of the describe call.
     */
    synchronized boolean needsTurn(Map<TaskHandle, TaskObservation> observed, Instant now) {
        boolean changed = due || (cancelReason != null && !cancelReason.equals(cancelApplied))
                || (wakeAt != null && !now.isBefore(wakeAt));
        for (Map.Entry<TaskHandle, TaskObservation> e : observed.entrySet()) {
            TaskObservation o = e.getValue();
            String signature = o.phase() + "|" + o.exitCode() + "|" + o.startedAt() + "|" + o.timedOut();
            if (!signature.equals(lastSeen.put(e.getKey().taskId() + "#" + e.getKey().attempt(), signature))) {
                changed = true;
            }
        }
        return changed;
    }

    /** After a turn: when the next one is due without news. */
    synchronized void turned(Instant nextWake, boolean again) {
        wakeAt = nextWake;
        due = again;
        cancelApplied = cancelReason;
    }
}
