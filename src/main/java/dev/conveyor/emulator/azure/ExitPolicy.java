package dev.conveyor.emulator.azure;

import com.fasterxml.jackson.databind.JsonNode;

/** Reads a task's exitConditions: which dependencyAction and jobAction apply to how it ended. */
final class ExitPolicy {
    private ExitPolicy() {
    }

    /** The exitOptions that apply, or a missing node. {@code failureCode} is set for pre-processing/upload failures. */
    static JsonNode options(JsonNode task, Integer exitCode, String failureKind) {
        JsonNode conditions = task.path("exitConditions");
        if (failureKind != null) {
            JsonNode o = conditions.path(failureKind);
            return o.isMissingNode() ? conditions.path("default") : o;
        }
        if (exitCode != null) {
            for (JsonNode m : conditions.path("exitCodes")) {
                if (m.path("code").asInt() == exitCode) return m.path("exitOptions");
            }
            for (JsonNode r : conditions.path("exitCodeRanges")) {
                if (exitCode >= r.path("start").asInt() && exitCode <= r.path("end").asInt()) return r.path("exitOptions");
            }
            if (exitCode == 0) return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
        return conditions.path("default");
    }

    /** Whether a completed task lets its dependents run. */
    static boolean satisfiesDependents(JsonNode task) {
        JsonNode exec = task.path("executionInfo");
        boolean success = "success".equalsIgnoreCase(exec.path("result").asText());
        Integer exitCode = exec.hasNonNull("exitCode") ? exec.get("exitCode").asInt() : null;
        String kind = failureKind(exec);
        String action = options(task, exitCode, kind).path("dependencyAction").asText("");
        if (!action.isEmpty()) return action.equalsIgnoreCase("satisfy");
        return success;
    }

    /** The jobAction for a completed task: "none", "disable" or "terminate". */
    static String jobAction(JsonNode task, JsonNode job) {
        JsonNode exec = task.path("executionInfo");
        boolean success = "success".equalsIgnoreCase(exec.path("result").asText());
        Integer exitCode = exec.hasNonNull("exitCode") ? exec.get("exitCode").asInt() : null;
        String action = options(task, exitCode, failureKind(exec)).path("jobAction").asText("");
        if (!action.isEmpty()) return action.toLowerCase();
        boolean performExitOptions = "performexitoptionsjobaction".equalsIgnoreCase(job.path("onTaskFailure").asText());
        return !success && performExitOptions ? "terminate" : "none";
    }

    private static String failureKind(JsonNode exec) {
        String code = exec.path("failureInfo").path("code").asText("");
        if (code.equals(TaskLifecycle.RESOURCE_FAILURE_CODE)) return "preProcessingError";
        if (code.equals(TaskLifecycle.UPLOAD_FAILURE_CODE)) return "fileUploadError";
        return null;
    }
}
