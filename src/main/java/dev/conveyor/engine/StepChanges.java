package dev.conveyor.engine;

import dev.conveyor.model.TaskState;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What one {@link Scheduler} step changed: the stops to send, the task events to say, whether to save, when to wake. */
final class StepChanges {
    final List<Step.Stop> stops = new ArrayList<>();
    final List<Step.TaskEvent> events = new ArrayList<>();
    boolean changed;
    Instant nextWake;
    /**
     * Per reason a queued attempt began to wait for in this step: the first such task's event, and how many tasks (made
     * on the first: most steps have none).
     */
    private Map<String, Step.TaskEvent> waiting;
    private Map<String, Integer> waitingTasks;

    void wakeAt(Instant at) {
        if (at != null && (nextWake == null || at.isBefore(nextWake))) {
            nextWake = at;
        }
    }

    /** Task {@code taskId}'s attempt began to wait for {@code reason}: said once per reason and step, not per task. */
    void waiting(String taskId, int attempt, String reason) {
        if (waiting == null) {
            waiting = new LinkedHashMap<>();
            waitingTasks = new LinkedHashMap<>();
        }
        waiting.putIfAbsent(reason, new Step.TaskEvent(taskId, TaskState.PENDING, attempt, "waiting: " + reason, false));
        waitingTasks.merge(reason, 1, Integer::sum);
    }

    /** The waiting events of this step: one per reason, naming its first task and counting the others. */
    void sayWaiting() {
        if (waiting == null) {
            return;
        }
        waiting.forEach((reason, e) -> {
            int others = waitingTasks.get(reason) - 1;
            events.add(others == 0 ? e : new Step.TaskEvent(e.taskId(), e.state(), e.attempt(),
                    e.reason() + " (and " + others + " other task" + (others == 1 ? "" : "s") + ")", false));
        });
        waiting = null;
        waitingTasks = null;
    }
}
