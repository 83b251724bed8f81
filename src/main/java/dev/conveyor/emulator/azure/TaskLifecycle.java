package dev.conveyor.emulator.azure;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.time.Instant;

/**
 * A task's state transitions: active → preparing → running → completed, retries and requeues. Every method is
 * called holding the state lock.
 */
final class TaskLifecycle {
    static final String RESOURCE_FAILURE_CODE = "BlobDownloadMiscError";
    static final String UPLOAD_FAILURE_CODE = "FileUploadMiscError";

    private final BatchState state;

    TaskLifecycle(BatchState state) {
        this.state = state;
    }

    /** The task is scheduled on {@code node}: preparing. Answers the attempt number its runner must carry. */
    int claim(Entities.Task task, Entities.Pool pool, Entities.Node node) {
        task.node = node;
        task.poolId = pool.id();
        node.usedSlots += task.requiredSlots();
        node.totalTasksRun++;
        task.stopReason = Entities.StopReason.NONE;
        task.taskDir = state.workDir.resolve("nodes").resolve(node.id).resolve("workitems").resolve(task.jobId)
                .resolve("job-1").resolve(task.id());
        if (task.firstStart == null) task.firstStart = Instant.now();
        String root = "workitems/" + task.jobId + "/job-1/" + task.id();
        ObjectNode info = task.json.putObject("nodeInfo");
        info.put("affinityId", "TVM:" + node.id);
        info.put("nodeUrl", state.url("/pools/" + pool.id() + "/nodes/" + node.id));
        info.put("poolId", pool.id());
        info.put("nodeId", node.id);
        info.put("taskRootDirectory", root);
        info.put("taskRootDirectoryUrl", state.url("/pools/" + pool.id() + "/nodes/" + node.id + "/files/" + root));
        ObjectNode exec = task.executionInfo();
        exec.put("startTime", Json.now());
        exec.remove(java.util.List.of("endTime", "exitCode", "result", "failureInfo"));
        BatchState.setState(task.json, "preparing", true);
        return ++task.attempt;
    }

    boolean current(Entities.Task task, int attempt) {
        if (task.attempt != attempt || !state.hasJob(task.jobId)) return false;
        return state.job(task.jobId).tasks.get(BatchState.key(task.id())) == task;
    }

    void running(Entities.Task task) {
        BatchState.setState(task.json, "running", true);
    }

    /**
     * The attempt ended. Retries a failure while retries are left; otherwise the task completes.
     * Answers true when the task completed for good.
     */
    boolean finish(Entities.Task task, Integer exitCode, String failureCode, String failureMessage, boolean retryable) {
        release(task);
        ObjectNode exec = task.executionInfo();
        boolean success = failureCode == null && exitCode != null && exitCode == 0;
        if (!success && retryable && retriesLeft(task)) {
            exec.put("retryCount", exec.path("retryCount").asInt() + 1);
            exec.put("lastRetryTime", Json.now());
            if (exitCode != null) exec.put("exitCode", exitCode);
            BatchState.setState(task.json, "active", true);
            return false;
        }
        exec.put("endTime", Json.now());
        if (exitCode != null) exec.put("exitCode", exitCode); else exec.remove("exitCode");
        exec.put("result", success ? "success" : "failure");
        if (success) {
            exec.remove("failureInfo");
        } else {
            String code = failureCode == null ? "FailureExitCode" : failureCode;
            String message = failureCode == null ? "The task exited with an exit code representing a failure" : failureMessage;
            ObjectNode fi = exec.putObject("failureInfo");
            fi.put("category", "UserError");
            fi.put("code", code);
            fi.put("message", message);
            fi.putArray("details").addObject().put("name", "Message").put("value", message);
        }
        BatchState.setState(task.json, "completed", true);
        return true;
    }

    /** Completes a task that never ran (job terminated while it was active). */
    void endUnstarted(Entities.Task task, String message) {
        ObjectNode exec = task.executionInfo();
        exec.put("endTime", Json.now());
        exec.put("result", "failure");
        ObjectNode fi = exec.putObject("failureInfo");
        fi.put("category", "UserError");
        fi.put("code", "TaskEnded");
        fi.put("message", message);
        BatchState.setState(task.json, "completed", true);
    }

    /** Puts a task that lost its node back into the queue. */
    void requeue(Entities.Task task) {
        release(task);
        task.attempt++;
        ObjectNode exec = task.executionInfo();
        exec.put("requeueCount", exec.path("requeueCount").asInt() + 1);
        exec.put("lastRequeueTime", Json.now());
        BatchState.setState(task.json, "active", true);
    }

    /** Makes a completed task active again (Task_Reactivate). */
    void reactivate(Entities.Task task) {
        ObjectNode exec = task.executionInfo();
        exec.removeAll();
        exec.put("retryCount", 0);
        exec.put("requeueCount", 0);
        task.firstStart = null;
        task.attempt++;
        BatchState.setState(task.json, "active", true);
    }

    void release(Entities.Task task) {
        if (task.node != null) {
            task.node.usedSlots = Math.max(0, task.node.usedSlots - task.requiredSlots());
            task.node = null;
        }
        task.process = null;
    }

    private static boolean retriesLeft(Entities.Task task) {
        int max = task.json.path("constraints").path("maxTaskRetryCount").asInt(0);
        return max == -1 || task.executionInfo().path("retryCount").asInt() < max;
    }

    Path taskDir(Entities.Task task) {
        return task.taskDir;
    }
}
