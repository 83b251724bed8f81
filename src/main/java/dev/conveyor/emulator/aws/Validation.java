package dev.conveyor.emulator.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/** Checks shared by RegisterJobDefinition and SubmitJob, with the real service's limits. */
final class Validation {

    private Validation() {
    }

    static void retryStrategy(JsonNode retry) {
        if (retry == null || retry.isNull()) {
            return;
        }
        if (retry.has("attempts")) {
            int attempts = retry.get("attempts").asInt();
            if (attempts < 1 || attempts > 10) {
                throw ApiException.client("retryStrategy.attempts must be between 1 and 10");
            }
        }
        JsonNode conditions = retry.get("evaluateOnExit");
        if (conditions == null || conditions.isNull()) {
            return;
        }
        if (conditions.size() > 5) {
            throw ApiException.client("retryStrategy.evaluateOnExit can have at most 5 entries");
        }
        for (JsonNode c : conditions) {
            String action = Requests.text(c, "action");
            if (action == null || !(action.equalsIgnoreCase("RETRY") || action.equalsIgnoreCase("EXIT"))) {
                throw ApiException.client("retryStrategy.evaluateOnExit.action must be RETRY or EXIT");
            }
        }
    }

    static void timeout(JsonNode timeout) {
        if (timeout == null || timeout.isNull() || !timeout.has("attemptDurationSeconds")) {
            return;
        }
        if (timeout.get("attemptDurationSeconds").asLong() < 60) {
            throw ApiException.client("timeout.attemptDurationSeconds must be at least 60 seconds");
        }
    }

    static void resourceRequirements(JsonNode requirements) {
        if (requirements == null || requirements.isNull()) {
            return;
        }
        for (JsonNode r : requirements) {
            String type = Requests.text(r, "type");
            if (type == null || !(type.equals("VCPU") || type.equals("MEMORY") || type.equals("GPU"))) {
                throw ApiException.client("resourceRequirements.type must be one of VCPU, MEMORY, GPU");
            }
            if (Requests.text(r, "value") == null) {
                throw ApiException.client("resourceRequirements.value is required");
            }
            if (type.equals("VCPU")) {
                try {
                    if (Double.parseDouble(r.get("value").asText()) <= 0) {
                        throw ApiException.client("VCPU must be positive");
                    }
                } catch (NumberFormatException e) {
                    throw ApiException.client("VCPU value must be a number");
                }
            }
        }
    }

    /** Fargate's vCPU values, each with the memory (MiB) it may have: from, to, step. */
    private static final Map<String, int[]> FARGATE_SIZES = Map.of(
            "0.25", new int[] {512, 2048, 512}, "0.5", new int[] {1024, 4096, 1024}, "1", new int[] {2048, 8192, 1024},
            "2", new int[] {4096, 16384, 1024}, "4", new int[] {8192, 30720, 1024}, "8", new int[] {16384, 61440, 4096},
            "16", new int[] {32768, 122880, 8192});

    /**
     * What AWS Batch requires of a job definition with platformCapabilities FARGATE: an execution role, vCPUs and memory
     * in resourceRequirements with a size Fargate offers, no GPU, no legacy vcpus/memory, not privileged.
     */
    static void fargate(JsonNode request, ObjectNode container) {
        boolean fargate = false;
        for (JsonNode p : request.path("platformCapabilities")) {
            fargate |= "FARGATE".equals(p.asText());
        }
        if (!fargate) {
            return;
        }
        if (Requests.text(container, "executionRoleArn") == null) {
            throw ApiException.client("Fargate job definitions require containerProperties.executionRoleArn");
        }
        if (container.has("vcpus") || container.has("memory")) {
            throw ApiException.client("Fargate job definitions give vCPUs and memory in resourceRequirements, "
                    + "not vcpus/memory");
        }
        if (container.path("privileged").asBoolean(false)) {
            throw ApiException.client("privileged is not supported for Fargate job definitions");
        }
        String vcpus = null;
        String memory = null;
        for (JsonNode r : container.path("resourceRequirements")) {
            switch (r.path("type").asText()) {
                case "VCPU" -> vcpus = r.path("value").asText();
                case "MEMORY" -> memory = r.path("value").asText();
                default -> throw ApiException.client("GPU resources are not supported for Fargate job definitions");
            }
        }
        int[] sizes = vcpus == null ? null : FARGATE_SIZES.get(vcpus);
        if (sizes == null) {
            throw ApiException.client("Fargate resource requirements: VCPU must be one of 0.25, 0.5, 1, 2, 4, 8, 16, was "
                    + vcpus);
        }
        int mib;
        try {
            mib = memory == null ? -1 : Integer.parseInt(memory);
        } catch (NumberFormatException e) {
            mib = -1;
        }
        if (mib < sizes[0] || mib > sizes[1] || (mib - sizes[0]) % sizes[2] != 0) {
            throw ApiException.client("Fargate resource requirements: with " + vcpus + " VCPU, MEMORY must be from " + sizes[0]
                    + " to " + sizes[1] + " MiB in steps of " + sizes[2] + ", was " + memory);
        }
    }
}
