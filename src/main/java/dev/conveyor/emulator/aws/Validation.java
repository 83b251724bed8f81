package dev.conveyor.emulator.aws;

import com.fasterxml.jackson.databind.JsonNode;

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
}
