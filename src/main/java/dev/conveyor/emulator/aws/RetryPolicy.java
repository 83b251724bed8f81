package dev.conveyor.emulator.aws;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.regex.Pattern;

/**
 * Whether a failed attempt is retried: up to {@code retryStrategy.attempts}, and
 * {@code evaluateOnExit} decides first: the first entry whose every given condition matches wins
 * (RETRY or EXIT); when none matches, the job is retried. Patterns match the whole value and may end with
 * {@code *}; onExitCode compares the exit code, onReason the container reason, onStatusReason the attempt's
 * status reason.
 */
final class RetryPolicy {

    private RetryPolicy() {
    }

    static boolean shouldRetry(BatchJob job, Attempt failed) {
        if (job.attempts.size() >= job.spec.retryAttempts()) {
            return false;
        }
        JsonNode conditions = job.spec.retryStrategy() == null ? null : job.spec.retryStrategy().get("evaluateOnExit");
        if (conditions == null || conditions.isNull()) {
            return true;
        }
        for (JsonNode condition : conditions) {
            if (matches(condition, failed)) {
                return "RETRY".equalsIgnoreCase(condition.path("action").asText());
            }
        }
        return true;
    }

    private static boolean matches(JsonNode condition, Attempt attempt) {
        return matches(condition.get("onExitCode"), attempt.exitCode == null ? null : attempt.exitCode.toString())
                && matches(condition.get("onReason"), attempt.reason)
                && matches(condition.get("onStatusReason"), attempt.statusReason);
    }

    private static boolean matches(JsonNode pattern, String value) {
        if (pattern == null || pattern.isNull()) {
            return true;
        }
        if (value == null) {
            return false;
        }
        return glob(pattern.asText()).matcher(value).matches();
    }

    static Pattern glob(String pattern) {
        if (pattern.endsWith("*")) {
            return Pattern.compile(Pattern.quote(pattern.substring(0, pattern.length() - 1)) + ".*", Pattern.DOTALL);
        }
        return Pattern.compile(Pattern.quote(pattern));
    }
}
