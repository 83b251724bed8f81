package dev.conveyor.storage;

/** Where a job's objects live in the store; every stage and provider names them through here. */
public final class JobKeys {
    private JobKeys() {
    }

    public static String jobPrefix(String jobId) {
        return "jobs/" + jobId + "/";
    }

    public static String spec(String jobId) {
        return jobPrefix(jobId) + "spec.json";
    }

    /** Marks an accepted request: which Kafka record it came from (for idempotent re-delivery). */
    public static String accepted(String jobId) {
        return jobPrefix(jobId) + "accepted.json";
    }

    /** Present when the job was asked to stop; holds the reason. */
    public static String cancel(String jobId) {
        return jobPrefix(jobId) + "cancel.json";
    }

    /** The result ledger of an accepted job: which completion record produced its result, and the (bounded) result. */
    public static String result(String jobId) {
        return jobPrefix(jobId) + "result.json";
    }

    /** The whole result, when the published record had to be shortened. */
    public static String fullResult(String jobId) {
        return jobPrefix(jobId) + "result-full.json";
    }

    /**
     * The ledger of a REJECTED answer to one request record: rejected requests never claim the
     * job id, so each gets its own entry.
     */
    public static String rejected(String jobId, String request) {
        return jobPrefix(jobId) + "rejected/" + java.util.UUID.nameUUIDFromBytes(
                request.getBytes(java.nio.charset.StandardCharsets.UTF_8)) + ".json";
    }

    public static String inputs(String jobId, String taskId) {
        return jobPrefix(jobId) + "tasks/" + taskId + "/inputs/";
    }

    public static String outputs(String jobId, String taskId) {
        return jobPrefix(jobId) + "tasks/" + taskId + "/outputs/";
    }

    /** The key/value outputs a task wrote to $CONVEYOR_OUTPUTS ({@code key=value} lines). */
    public static String values(String jobId, String taskId) {
        return jobPrefix(jobId) + "tasks/" + taskId + "/values.env";
    }

    public static String logs(String jobId, String taskId) {
        return jobPrefix(jobId) + "tasks/" + taskId + "/logs/";
    }

    /**
     * Everything one attempt leaves: {@code task.sh} (its wrapper), {@code stdout.txt},
     * {@code stderr.txt}, {@code values.env}, {@code outputs/…} and, written last by the wrapper,
     * {@code exitcode}.
     */
    public static String attempt(String jobId, String taskId, int attempt) {
        return jobPrefix(jobId) + "tasks/" + taskId + "/attempt-" + attempt + "/";
    }

    /** The engine's run state of a job, one object per saved version. */
    public static String runStates(String jobId) {
        return jobPrefix(jobId) + "run/";
    }

    public static String runState(String jobId, long version) {
        // zero-padded to 12 digits so the names sort by version; String.format costs a locale lookup per call
        String digits = Long.toString(version);
        return runStates(jobId) + "0".repeat(Math.max(0, 12 - digits.length())) + digits + ".json";
    }
}
