package dev.conveyor.emulator.aws;

import java.util.LinkedHashMap;
import java.util.Map;

/** The environment a job's container sees: its own variables plus the ones AWS Batch sets. */
final class TaskEnvironment {

    private TaskEnvironment() {
    }

    static Map<String, String> of(BatchJob job, int attemptNumber, String computeEnvironment) {
        Map<String, String> env = new LinkedHashMap<>(job.spec.environment());
        env.put("AWS_BATCH_JOB_ID", job.jobId);
        env.put("AWS_BATCH_JOB_ATTEMPT", Integer.toString(attemptNumber));
        env.put("AWS_BATCH_JQ_NAME", job.spec.queueName());
        env.put("AWS_BATCH_CE_NAME", computeEnvironment);
        if (job.isArrayChild()) {
            env.put("AWS_BATCH_JOB_ARRAY_INDEX", Integer.toString(job.arrayIndex));
        }
        env.put("AWS_REGION", job.jobArn.split(":")[3]);
        env.put("AWS_DEFAULT_REGION", job.jobArn.split(":")[3]);
        return env;
    }
}
