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

    public static String result(String jobId) {
        return jobPrefix(jobId) + "result.json";
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
}
