package dev.conveyor.compute;

/**
 * A durable reference to one submitted attempt: enough for any instance to describe or stop it
 * later. {@code ref} is the backend's own id (a local attempt folder, an Azure
 * {@code batchJob/task} pair, an AWS job id). Persisted by the engine before it acknowledges.
 */
public record TaskHandle(String backend, String jobId, String taskId, int attempt, String ref) {
}
