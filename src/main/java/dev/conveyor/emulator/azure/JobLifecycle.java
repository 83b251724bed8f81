package dev.conveyor.emulator.azure;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Job termination (user, maxWallClockTime, onAllTasksComplete, task exit options) and deletion. */
final class JobLifecycle {
    private final BatchState state;
    private final TaskLifecycle tasks;
    private final ScheduledExecutorService timers;
    private TaskRunner runner;
    private Runnable kickScheduler = () -> { };

    JobLifecycle(BatchState state, TaskLifecycle tasks, ScheduledExecutorService timers) {
        this.state = state;
        this.tasks = tasks;
        this.timers = timers;
    }

    void connect(TaskRunner taskRunner, Runnable kick) {
        this.runner = taskRunner;
        this.kickScheduler = kick;
    }

    /** Starts terminating the job: running tasks are ended, waiting ones complete. Call holding the lock. */
    void terminate(Entities.Job job, String reason) {
        BatchState.setState(job.json, "terminating", true);
        job.json.with("executionInfo").put("terminateReason", reason);
        for (Entities.Task task : job.tasks.values()) {
            switch (task.state()) {
                case "active" -> tasks.endUnstarted(task, "Task Was Ended because its Job was Terminated");
                case "preparing", "running" -> runner.stop(task, Entities.StopReason.JOB_TERMINATED);
                default -> { }
            }
        }
        kickScheduler.run();
    }

    /** Finishes terminating jobs, and ends jobs whose tasks are all complete. Call holding the lock. */
    void settle(Entities.Job job) {
        boolean anyRunning = job.tasks.values().stream()
                .anyMatch(t -> t.state().equals("preparing") || t.state().equals("running"));
        if (job.state().equals("terminating") && !anyRunning) {
            BatchState.setState(job.json, "completed", true);
            job.json.with("executionInfo").put("endTime", Json.now());
            return;
        }
        if (job.state().equals("active")
                && "terminatejob".equalsIgnoreCase(job.json.path("onAllTasksComplete").asText())
                && job.tasks.values().stream().allMatch(t -> t.state().equals("completed"))) {
            terminate(job, "AllTasksComplete");
        }
    }

    /** Arms the job's maxWallClockTime, measured from its creation. Call holding the lock. */
    void armWallClock(Entities.Job job) {
        Duration max = Validation.duration(job.json.path("constraints"), "maxWallClockTime");
        long generation = ++job.sequence;
        if (max == null) return;
        Duration elapsed = Duration.between(Json.parseIso(job.json.get("creationTime").asText()), java.time.Instant.now());
        long delay = Math.max(0, max.minus(elapsed).toMillis());
        timers.schedule(() -> {
            synchronized (state) {
                if (!state.hasJob(job.id()) || state.job(job.id()) != job || job.sequence != generation) return;
                if (job.state().equals("active") || job.state().equals("disabled")) terminate(job, "MaxWallClockTimeExpiry");
            }
        }, delay, TimeUnit.MILLISECONDS);
    }

    /** Deletes the job: its running tasks are stopped and it disappears shortly after. Call holding the lock. */
    void delete(Entities.Job job, Duration delay) {
        BatchState.setState(job.json, "deleting", true);
        for (Entities.Task task : job.tasks.values()) {
            if (task.state().equals("preparing") || task.state().equals("running")) {
                runner.stop(task, Entities.StopReason.DELETED);
                tasks.release(task);
                task.attempt++;
            }
        }
        timers.schedule(() -> {
            synchronized (state) {
                if (state.hasJob(job.id()) && state.job(job.id()) == job) state.removeJob(job.id());
            }
        }, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    static ObjectNode executionInfo(Entities.Job job) {
        return job.json.with("executionInfo");
    }
}
