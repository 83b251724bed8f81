package dev.conveyor.emulator.aws;

/** ARNs in the emulator's region and account, shaped like the real service's. */
record Arns(String region, String accountId) {

    String computeEnvironment(String name) {
        return batch("compute-environment/" + name);
    }

    String jobQueue(String name) {
        return batch("job-queue/" + name);
    }

    String jobDefinition(String name, int revision) {
        return batch("job-definition/" + name + ":" + revision);
    }

    String job(String jobId) {
        return batch("job/" + jobId);
    }

    String ecsCluster(String computeEnvironment) {
        return "arn:aws:ecs:" + region + ":" + accountId + ":cluster/AWSBatch-" + computeEnvironment;
    }

    String ecsTask(String computeEnvironment, String taskId) {
        return "arn:aws:ecs:" + region + ":" + accountId + ":task/AWSBatch-" + computeEnvironment + "/" + taskId;
    }

    String logGroup(String name) {
        return "arn:aws:logs:" + region + ":" + accountId + ":log-group:" + name;
    }

    /** The part after the last '/' of an ARN, or the input when it is not an ARN. */
    static String resourceName(String nameOrArn) {
        if (nameOrArn != null && nameOrArn.startsWith("arn:")) {
            return nameOrArn.substring(nameOrArn.lastIndexOf('/') + 1);
        }
        return nameOrArn;
    }

    private String batch(String resource) {
        return "arn:aws:batch:" + region + ":" + accountId + ":" + resource;
    }
}
