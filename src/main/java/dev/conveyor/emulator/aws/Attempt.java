package dev.conveyor.emulator.aws;

/** One run of a job's container: the ECS-like task, its log stream, and how it ended. Guarded by the engine lock. */
final class Attempt {

    final String taskId;
    final String computeEnvironment;
    final String logStreamName;
    final long startedAt;
    Long stoppedAt;
    Integer exitCode;
    String reason;
    String statusReason;

    Attempt(String taskId, String computeEnvironment, String logStreamName, long startedAt) {
        this.taskId = taskId;
        this.computeEnvironment = computeEnvironment;
        this.logStreamName = logStreamName;
        this.startedAt = startedAt;
    }
}
