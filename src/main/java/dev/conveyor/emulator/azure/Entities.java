package dev.conveyor.emulator.azure;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** In-memory entities. Each keeps the wire JSON the service would answer plus the emulator's runtime state. */
final class Entities {
    private Entities() {
    }

    static final class Node {
        final String id;
        final boolean dedicated;
        int usedSlots;
        int totalTasksRun;
        /** idle (or running) when it takes tasks; waitingforstarttask, then starttaskfailed, when its start task failed. */
        String state = "idle";
        /** The start task's exit code, once it has run (null: none, or not yet). */
        Integer startTaskExitCode;
        /** Why it is {@code unusable} (a ComputeNodeError: code, message, and the image it names), or null. */
        String[] error;

        /** Whether the scheduler may put tasks on it. */
        boolean takesTasks() {
            return "idle".equals(state);
        }

        Node(String id, boolean dedicated) {
            this.id = id;
            this.dedicated = dedicated;
        }
    }

    static final class Pool {
        final ObjectNode json;
        final List<Node> nodes = new ArrayList<>();
        long allocationGeneration;

        Pool(ObjectNode json) {
            this.json = json;
        }

        String id() {
            return json.get("id").asText();
        }

        int slotsPerNode() {
            return Math.max(1, json.path("taskSlotsPerNode").asInt(1));
        }
    }

    static final class Job {
        final ObjectNode json;
        /** Tasks by lowercased id, in the order they were added. */
        final Map<String, Task> tasks = new LinkedHashMap<>();
        long sequence;

        Job(ObjectNode json) {
            this.json = json;
        }

        String id() {
            return json.get("id").asText();
        }

        String state() {
            return json.get("state").asText();
        }

        String poolId() {
            return json.path("poolInfo").path("poolId").asText(null);
        }
    }

    /** Why a running task was stopped from outside its process. */
    enum StopReason { NONE, USER_TERMINATE, JOB_TERMINATED, DELETED, REQUEUE }

    static final class Task {
        final ObjectNode json;
        final String jobId;
        final long sequence;
        Node node;
        String poolId;
        Path taskDir;
        Instant firstStart;
        volatile Process process;
        volatile StopReason stopReason = StopReason.NONE;
        /** Incremented each time the task is scheduled, so a stale runner can tell it lost the task. */
        int attempt;

        Task(ObjectNode json, String jobId, long sequence) {
            this.json = json;
            this.jobId = jobId;
            this.sequence = sequence;
        }

        String id() {
            return json.get("id").asText();
        }

        String state() {
            return json.get("state").asText();
        }

        ObjectNode executionInfo() {
            return json.with("executionInfo");
        }

        int requiredSlots() {
            return Math.max(1, json.path("requiredSlots").asInt(1));
        }
    }
}
